// SPDX-License-Identifier: MIT
// log: the one writer of berth's own stdout and stderr (its log lines, the services' relayed
// output), which never blocks berth, whatever the reader does. It never sets O_NONBLOCK on the
// file descriptions berth shares with its children.
#pragma once

#include <functional>

#include "absl/strings/string_view.h"

namespace berth::log {

// Looks once at what fds 1 and 2 are (a pipe, a socket, a terminal, a file; the same pipe or
// two) and prepares a way to write each without blocking. Init calls it; later calls do nothing.
// Before the loop starts and before berth's own sandbox: it may open descriptors.
void PrepareOutput();

// Writes `data` (whole lines) to berth's fd 1 or 2 without blocking: at once when the reader
// has room, else queued (up to 256 KiB a stream) and written when it has. Lines that do not fit
// are dropped whole and counted; once the queue is empty again, one warning says how many bytes
// were lost. At exit the queue gets half a second to go out.
void WriteOutput(int fd, absl::string_view data);

// Lets the loop say when a stream with queued output can take more: `watch(fd, true)` asks for
// OnOutputWritable(fd) each time `fd` is writable, `watch(fd, false)` ends that. An empty
// function (before the loop is gone) stops asking.
void SetOutputWatcher(std::function<void(int fd, bool on)> watch);
void OnOutputWritable(int fd);

}  // namespace berth::log
