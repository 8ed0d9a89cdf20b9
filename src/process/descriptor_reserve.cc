// SPDX-License-Identifier: MIT
#include "berth/process/descriptor_reserve.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>

namespace berth::process {
namespace {

// Two: the most any user opens at once (a /proc directory and one file in it; a pipe).
std::array<int, 2> spares = {-1, -1};
bool reserving = false;
int depth = 0;

void Take() {
  for (int& fd : spares) {
    if (fd < 0) fd = ::open("/", O_PATH | O_CLOEXEC);
  }
}

}  // namespace

void ReserveDescriptors() {
  reserving = true;
  Take();
}

UsingReserve::UsingReserve() {
  if (depth++ > 0) return;
  for (int& fd : spares) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

UsingReserve::~UsingReserve() {
  if (--depth == 0 && reserving) Take();
}

}  // namespace berth::process
