// helperAddress and the compile-time contract check between helpers.def and
// helpers.h.
//
// For every row X(Name, Ret, Sig, Doc) the static_assert below requires that
// ember_h_<Name> returns PyObject* (Ret O/N) or int (Ret I) and takes exactly
// the parameters Sig spells: F _PyInterpreterFrame*, T PyThreadState*,
// o PyObject*, a/b int64_t, A PyObject** followed by Py_ssize_t. The code
// generator emits calls from the Sig string alone, so a mismatch here would be a
// silent ABI bug at run time; it is a build error instead.
#include "ember/runtime/helper_table.h"

#include <cstdint>
#include <type_traits>

#include "ember/runtime/helpers.h"

namespace ember::runtime {
namespace {

// One C parameter type as a Sig letter ('a' covers a, b and A's count:
// int64_t and Py_ssize_t are the same type on the supported ABI).
template <typename T>
constexpr char letterOf() {
  if constexpr (std::is_same_v<T, _PyInterpreterFrame*>) return 'F';
  else if constexpr (std::is_same_v<T, PyThreadState*>) return 'T';
  else if constexpr (std::is_same_v<T, PyObject*>) return 'o';
  else if constexpr (std::is_same_v<T, PyObject**>) return 'A';
  else if constexpr (std::is_same_v<T, int64_t> && std::is_same_v<T, Py_ssize_t>) return 'a';
  else return '?';
}

template <typename R>
constexpr char retOf() {
  if constexpr (std::is_same_v<R, PyObject*>) return 'O';
  else if constexpr (std::is_same_v<R, int>) return 'I';
  else return '?';
}

template <typename R, typename... Args>
constexpr bool matches(R (*)(Args...), char ret, const char* sig) {
  if (retOf<R>() != (ret == 'N' ? 'O' : ret)) return false;
  constexpr char letters[] = {letterOf<Args>()..., '\0'};
  size_t k = 0;
  for (const char* s = sig; *s != '\0'; ++s) {
    char want = (*s == 'b') ? 'a' : *s;
    if (letters[k++] != want) return false;
    if (*s == 'A' && letters[k++] != 'a') return false;
  }
  return letters[k] == '\0';
}

#define X(name, ret, sig, doc)                                        \
  static_assert(matches(&ember_h_##name, #ret[0], sig),               \
                "ember_h_" #name " does not match its helpers.def row");
#include "ember/runtime/helpers.def"
#undef X

void* const kHelperAddresses[] = {
    nullptr,  // HelperId::None
#define X(name, ret, sig, doc) reinterpret_cast<void*>(&ember_h_##name),
#include "ember/runtime/helpers.def"
#undef X
};
static_assert(sizeof(kHelperAddresses) / sizeof(kHelperAddresses[0]) ==
              static_cast<size_t>(ember::hir::HelperId::Count));

}  // namespace

void* helperAddress(ember::hir::HelperId id) {
  auto i = static_cast<size_t>(id);
  if (i >= static_cast<size_t>(ember::hir::HelperId::Count)) {
    return nullptr;
  }
  return kHelperAddresses[i];
}

}  // namespace ember::runtime
