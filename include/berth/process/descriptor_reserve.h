// SPDX-License-Identifier: MIT
// process: keeps two file descriptors aside for berth's own short-lived needs (the /proc reads
// of a teardown, the exec-error pipe of a spawn), so clients holding every descriptor of the
// health endpoint cannot blind berth to the processes it has to stop, or keep it from spawning.
#pragma once

namespace berth::process {

// Sets the two descriptors aside (O_PATH on /, which every image has; close-on-exec). Best effort: under a limit too
// low to spare them berth runs without a reserve, as before. Call once, at start-up.
void ReserveDescriptors();

// While one lives, the reserved descriptors are closed, free for the caller's opens; they are
// set aside again when the outermost one ends. Single-threaded, nests.
class UsingReserve {
 public:
  UsingReserve();
  ~UsingReserve();
  UsingReserve(const UsingReserve&) = delete;
  UsingReserve& operator=(const UsingReserve&) = delete;
};

}  // namespace berth::process
