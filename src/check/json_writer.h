// SPDX-License-Identifier: MIT
// check (private): a tiny JSON builder for the report; commas and escaping, nothing else.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace berth::check {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // A member name inside an object; the next value belongs to it.
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view s);
  JsonWriter& Int(long long n);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  const std::string& text() const { return out_; }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace berth::check
