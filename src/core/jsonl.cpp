#include "trm/core/jsonl.h"

#include <glob.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace trm::core {

JsonlReader::JsonlReader(const std::string& path) : path_(path), in_(path) {
  if (!in_) throw std::runtime_error("cannot open '" + path + "' for reading: " + std::strerror(errno));
}

std::optional<JsonlLine> JsonlReader::next() {
  std::string text;
  while (std::getline(in_, text)) {
    ++line_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    JsonlLine result;
    result.line = line_;
    try {
      result.value = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      result.error = std::string("invalid JSON at byte ") + std::to_string(e.byte) + ": " + e.what();
    }
    return result;
  }
  return std::nullopt;
}

std::vector<JsonlLine> read_jsonl(const std::string& path) {
  JsonlReader reader(path);
  std::vector<JsonlLine> lines;
  while (auto line = reader.next()) lines.push_back(std::move(*line));
  return lines;
}

AtomicJsonlWriter::AtomicJsonlWriter(const std::string& path)
    : path_(path), tmp_path_(path + ".tmp"), out_(tmp_path_, std::ios::binary | std::ios::trunc) {
  if (!out_) {
    throw std::runtime_error("cannot write '" + path + "' (temporary file '" + tmp_path_ + "'): " + std::strerror(errno));
  }
}

AtomicJsonlWriter::~AtomicJsonlWriter() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_path_.c_str());
  }
}

void AtomicJsonlWriter::write(const nlohmann::json& value) {
  out_ << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void AtomicJsonlWriter::commit() {
  out_.flush();
  if (!out_) throw std::runtime_error("failed writing '" + tmp_path_ + "'");
  out_.close();
  std::error_code error;
  std::filesystem::rename(tmp_path_, path_, error);
  if (error) throw std::runtime_error("cannot rename '" + tmp_path_ + "' to '" + path_ + "': " + error.message());
  committed_ = true;
}

void write_file_atomic(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write '" + path + "' (temporary file '" + tmp + "'): " + std::strerror(errno));
    out << contents;
    out.flush();
    if (!out) throw std::runtime_error("failed writing '" + tmp + "'");
  }
  std::error_code error;
  std::filesystem::rename(tmp, path, error);
  if (error) throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "': " + error.message());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "' for reading: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> expand_pattern(const std::string& pattern) {
  glob_t matches{};
  const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<std::string> paths;
  if (status == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  if (paths.empty()) throw std::runtime_error("data file or pattern '" + pattern + "' matches no file");
  return paths;
}

}  // namespace trm::core
