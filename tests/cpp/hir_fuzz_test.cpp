// Robustness: mutated HIR text (lines dropped, duplicated or swapped, tokens
// changed) must never crash the parser, the verifier or the printer, and any
// mutant that verifies (ownership included) must go through every pass with
// the verifier still happy. Deterministic: a fixed seed over the file-test
// inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ember/hir/parser.h"
#include "ember/hir/passes/pipeline.h"
#include "ember/hir/printer.h"
#include "ember/hir/verifier.h"

namespace ember::hir {
namespace {

std::vector<std::string> inputs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(EMBER_TEST_DATA_DIR) / "hir")) {
    if (e.path().extension() != ".hir") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    out.push_back(text.substr(0, text.find("--- expected ---")));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  std::string l;
  while (std::getline(in, l)) v.push_back(l);
  return v;
}

std::string mutate(const std::string& text, std::mt19937& rng) {
  auto v = lines(text);
  if (v.empty()) return text;
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  static const char* kTokens[] = {"v0", "v1", "v3", "bb0", "bb1", "bb2", "Phi", "Decref", "Return", "Branch",
                                  "keep=0x1", "keep=0x3", "-> bb1", "fs{@0}", "fs{@2: v0}", "imm0=1", ":i", "@4",
                                  "CondBranch", "LoadNull", "Incref", "StoreLocal"};
  int edits = 1 + static_cast<int>(pick(3));
  for (int e = 0; e < edits && !v.empty(); e++) {
    size_t i = pick(v.size());
    switch (pick(5)) {
      case 0:
        v.erase(v.begin() + static_cast<long>(i));
        break;
      case 1:
        v.insert(v.begin() + static_cast<long>(i), v[pick(v.size())]);
        break;
      case 2:
        std::swap(v[i], v[pick(v.size())]);
        break;
      default: {
        // replace one whitespace-separated token of line i
        std::istringstream ws(v[i]);
        std::vector<std::string> toks;
        std::string t;
        while (ws >> t) toks.push_back(t);
        if (toks.empty()) break;
        toks[pick(toks.size())] = kTokens[pick(sizeof kTokens / sizeof kTokens[0])];
        std::string joined = "  ";
        for (const auto& x : toks) joined += x + " ";
        v[i] = joined;
      }
    }
  }
  std::string out;
  for (const auto& l : v) out += l + "\n";
  return out;
}

TEST(HirFuzz, MutatedTextNeverCrashes) {
  auto base = inputs();
  ASSERT_FALSE(base.empty());
  std::mt19937 rng(12345);
  int parsed = 0, verified = 0;
  for (int round = 0; round < 4000; round++) {
    std::string text = mutate(base[round % base.size()], rng);
    auto r = parse(text);
    if (!r.ok()) continue;
    parsed++;
    Function& f = r.value();
    std::string printed = print(f);  // must not crash on broken IR
    auto errors = verifyOwnership(f, RefMode::Implicit);
    for (const auto& e : errors) ASSERT_FALSE(e.empty());
    if (!errors.empty()) continue;
    verified++;
    PassContext ctx;
    ctx.verify = true;
    auto res = runPipeline(f, ctx);
    EXPECT_TRUE(res.ok()) << "a verified mutant broke the pipeline:\n"
                          << text << "\n"
                          << (res.ok() ? "" : res.error().toString());
  }
  std::printf("fuzz: %d parsed, %d verified and optimised\n", parsed, verified);
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace ember::hir
