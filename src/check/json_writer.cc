// SPDX-License-Identifier: MIT
#include "check/json_writer.h"

#include "berth/base/text.h"
#include "berth/log/log.h"

namespace berth::check {

void JsonWriter::Separate() {
  if (need_comma_) out_ += ',';
  need_comma_ = true;
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_ += '{';
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_ += '}';
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_ += '[';
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_ += ']';
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  Separate();
  base::Append(&out_, "\"", log::JsonEscape(key), "\":");
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view s) {
  Separate();
  base::Append(&out_, "\"", log::JsonEscape(s), "\"");
  return *this;
}

JsonWriter& JsonWriter::Int(long long n) {
  Separate();
  base::Append(&out_, n);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool b) {
  Separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  return *this;
}

}  // namespace berth::check
