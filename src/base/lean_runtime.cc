// SPDX-License-Identifier: MIT
// Two libstdc++ defaults replaced in the berth executable only (never in the tests), each of
// which drags a large part of libstdc++ and glibc into a static binary for nothing berth uses.
// docs/binary-size.md has the figures. A link error naming these symbols means some object now
// needs the original member (ios_init.o, vterminate.o): find out why before removing this file.
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <ios>

// Every translation unit that includes <iostream>, abseil's among them, runs ios_base::Init,
// which constructs cout/cin/cerr and with them every locale facet (about 0.4 MB). berth uses no
// iostream: empty here, std::cout and friends stay unconstructed, so never use them in berth.
std::ios_base::Init::Init() {}
std::ios_base::Init::~Init() {}

// The default terminate handler demangles the type of the uncaught exception (cp-demangle, about
// 40 KB). berth throws nothing; std::terminate can only come from the runtime (bad_alloc).
namespace __gnu_cxx {
void __verbose_terminate_handler() {
  static constexpr char kMessage[] = "berth: terminate called (out of memory?)\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  std::abort();
}
}  // namespace __gnu_cxx
