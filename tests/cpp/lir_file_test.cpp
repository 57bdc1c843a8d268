// LIR file tests: every tests/cpp/data/lir/*.lir file is one test.
//
// File format:
//     ; stages: verify, regalloc          (comma-separated, run in order)
//     ; any other ';' lines describe the case (the LIR parser skips them)
//     <input LIR text, as printed>
//     --- expected ---
//     <for each stage: "== stage" and its output>
//
// Stages:
//   roundtrip  the input parsed and printed again
//   verify     lir::verify's errors, one per line, or "ok"
//   regalloc   the annotated program (lir::print(f, allocation)) and
//              printAllocation; the allocation is also checked by
//              checkAllocation and by simulation (lir_test_interp.h), which
//              fail the test independently of the expectation
// On mismatch the runner prints a line diff and the hint to bless; with
// EMBER_TEST_BLESS=1 it rewrites everything after `--- expected ---` with the
// actual output instead of failing. Same conventions as hir_file_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ember/lir/parser.h"
#include "ember/lir/printer.h"
#include "ember/lir/verifier.h"
#include "ember/regalloc/regalloc.h"
#include "lir_test_gen.h"
#include "lir_test_interp.h"

namespace ember::lir {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = "--- expected ---";

std::vector<std::string> lirFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(EMBER_TEST_DATA_DIR) / "lir", ec))
    if (e.is_regular_file() && e.path().extension() == ".lir") out.push_back(e.path().string());
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
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
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
  std::vector<std::string> stages;
  std::string input, expected;
};

Case readCase(const std::string& text) {
  Case c;
  size_t pos = text.find(std::string("\n") + kMarker);
  if (pos == std::string::npos) {
    c.input = text;
  } else {
    c.input = text.substr(0, pos + 1);
    size_t after = text.find('\n', pos + 1);
    c.expected = after == std::string::npos ? "" : text.substr(after + 1);
  }
  for (const std::string& line : splitLines(c.input)) {
    std::string t = trim(line);
    const std::string key = "; stages:";
    if (t.compare(0, key.size(), key) != 0) continue;
    std::stringstream ss(t.substr(key.size()));
    std::string name;
    while (std::getline(ss, name, ','))
      if (!trim(name).empty()) c.stages.push_back(trim(name));
  }
  return c;
}

std::string runCase(const Case& c) {
  Result<Function> parsed = parse(c.input);
  if (!parsed.ok()) return "error: " + parsed.error().detail + "\n";
  const Function& f = parsed.value();
  std::string out;
  for (const std::string& stage : c.stages) {
    out += "== " + stage + "\n";
    if (stage == "roundtrip") {
      out += print(f);
    } else if (stage == "verify") {
      std::vector<std::string> errs = verify(f);
      if (errs.empty()) out += "ok\n";
      for (const std::string& e : errs) out += e + "\n";
    } else if (stage == "regalloc") {
      Result<regalloc::Allocation> a = regalloc::allocate(f);
      if (!a.ok()) {
        out += "error: " + a.error().detail + "\n";
        continue;
      }
      EXPECT_EQ(lirtest::checkAllocation(f, a.value()), "");
      lirtest::RunResult ref = lirtest::runLir(f, nullptr), got = lirtest::runLir(f, &a.value());
      EXPECT_EQ(ref.error, "");
      EXPECT_EQ(got.error, "");
      EXPECT_EQ(ref.trace, got.trace) << "simulation differs";
      out += print(f, a.value()) + regalloc::printAllocation(f, a.value());
    } else {
      out += "unknown stage\n";
    }
  }
  return out;
}

class LirFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LirFileTest, Run) {
  const std::string path = GetParam();
  Case c = readCase(readFile(path));
  ASSERT_FALSE(c.stages.empty()) << path << ": no '; stages:' line";
  std::string actual = runCase(c);
  if (trim(actual) == trim(c.expected)) return;
  const char* bless = std::getenv("EMBER_TEST_BLESS");
  if (bless != nullptr && std::string(bless) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << c.input << kMarker << "\n" << actual;
    return;
  }
  ADD_FAILURE() << path << ":\n"
                << diff(c.expected, actual) << "(re-run with EMBER_TEST_BLESS=1 to accept the actual output)";
}

std::string caseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = fs::path(info.param).stem().string();
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Lir, LirFileTest, ::testing::ValuesIn(lirFiles()), caseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LirFileTest);

}  // namespace
}  // namespace ember::lir
