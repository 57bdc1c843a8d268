// HIR file tests: every tests/cpp/data/hir/*.hir file is one test.
//
// File format:
//     # passes: simplify,cfg_cleanup      (comma-separated; may be empty)
//     # any other comment lines describe the case
//     <input HIR text, as printed>
//     --- expected ---
//     <the printed function after the passes, or "error: ..." if they failed>
//
// The runner parses the input, runs the passes through runPasses with
// verification on (input first, then after each pass, ownership included), and
// compares the output with the expectation. On mismatch it prints a line diff
// and the hint to bless; with EMBER_TEST_BLESS=1 it rewrites everything after
// the `--- expected ---` line with the actual output instead of failing.
// Rejected: one giant file of cases (Cinder's hir_tests) — one file per case
// keeps diffs, blame and blessing local.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ember/hir/parser.h"
#include "ember/hir/passes/pipeline.h"
#include "ember/hir/printer.h"

namespace ember::hir {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = "--- expected ---";

std::vector<std::string> hirFiles() {
  std::vector<std::string> out;
  fs::path dir = fs::path(EMBER_TEST_DATA_DIR) / "hir";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".hir") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> splitLines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// A line diff from the longest common subsequence: '-' expected, '+' actual.
std::string diff(const std::string& expected, const std::string& actual) {
  auto a = splitLines(expected), b = splitLines(actual);
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out = "--- expected\n+++ actual\n";
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out += "  " + a[i] + "\n";
      i++;
      j++;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "- " + a[i++] + "\n";
    } else {
      out += "+ " + b[j++] + "\n";
    }
  }
  return out;
}

struct Case {
  std::vector<std::string> passes;
  std::string input;
  std::string expected;
  bool has_marker = false;
};

Case readCase(const std::string& text) {
  Case c;
  size_t pos = text.find(std::string("\n") + kMarker);
  size_t start = text.compare(0, std::strlen(kMarker), kMarker) == 0 ? 0 : pos;
  if (start != std::string::npos) {
    c.has_marker = true;
    c.input = text.substr(0, start);
    size_t after = text.find('\n', start + (start == 0 ? 0 : 1));
    c.expected = after == std::string::npos ? "" : text.substr(after + 1);
  } else {
    c.input = text;
  }
  for (const auto& line : splitLines(c.input)) {
    std::string t = trim(line);
    const std::string key = "# passes:";
    if (t.compare(0, key.size(), key) != 0) continue;
    std::stringstream ss(t.substr(key.size()));
    std::string name;
    while (std::getline(ss, name, ',')) {
      name = trim(name);
      if (!name.empty()) c.passes.push_back(name);
    }
  }
  return c;
}

std::string runCase(const Case& c) {
  auto parsed = parse(c.input);
  if (!parsed.ok()) return "error: " + parsed.error().detail + "\n";
  Function f = std::move(parsed.value());
  PassContext ctx;
  ctx.verify = true;
  auto r = runPasses(f, c.passes, ctx);
  if (!r.ok()) return "error: " + r.error().detail + (r.error().detail.back() == '\n' ? "" : "\n");
  return print(f);
}

class HirFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HirFileTest, Run) {
  const std::string path = GetParam();
  std::string text = readFile(path);
  Case c = readCase(text);
  std::string actual = runCase(c);
  if (trim(actual) == trim(c.expected)) return;
  const char* bless = std::getenv("EMBER_TEST_BLESS");
  if (bless != nullptr && std::string(bless) == "1") {
    std::string input = c.input;
    if (!input.empty() && input.back() != '\n') input += "\n";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << input << kMarker << "\n" << actual;
    std::printf("blessed %s\n", path.c_str());
    return;
  }
  ADD_FAILURE() << path << ": output differs from the expectation\n"
                << diff(c.expected, actual) << "re-run with EMBER_TEST_BLESS=1 to accept";
}

std::string caseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string stem = fs::path(info.param).stem().string();
  for (char& ch : stem) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return stem;
}

INSTANTIATE_TEST_SUITE_P(Hir, HirFileTest, ::testing::ValuesIn(hirFiles()), caseName);

TEST(HirFileTestRunner, FindsFiles) { EXPECT_GE(hirFiles().size(), 15u); }

TEST(HirFileTestRunner, ReadsCasesAndDiffs) {
  Case c = readCase("# passes: simplify, dce\nbb0:\n  Deopt fs{@0}\n--- expected ---\nfoo\n");
  EXPECT_EQ(c.passes, (std::vector<std::string>{"simplify", "dce"}));
  EXPECT_EQ(c.input, "# passes: simplify, dce\nbb0:\n  Deopt fs{@0}");
  EXPECT_EQ(c.expected, "foo\n");
  EXPECT_TRUE(c.has_marker);
  EXPECT_EQ(diff("a\nb\nc\n", "a\nx\nc\n"), "--- expected\n+++ actual\n  a\n- b\n+ x\n  c\n");
  EXPECT_EQ(runCase(readCase("bb0:\n  v0 = Bogus\n")), "error: line 2: unknown opcode 'Bogus'\n");
}

}  // namespace
}  // namespace ember::hir
