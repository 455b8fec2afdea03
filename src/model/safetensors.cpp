#include "trm/model/safetensors.h"

#include "trm/core/jsonl.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <stdexcept>

namespace trm::model {
namespace {

struct DtypeName {
  torch::Dtype dtype;
  const char* name;
};

constexpr DtypeName kDtypes[] = {
    {torch::kFloat64, "F64"}, {torch::kFloat32, "F32"}, {torch::kBFloat16, "BF16"}, {torch::kFloat16, "F16"},
    {torch::kInt64, "I64"},   {torch::kInt32, "I32"},   {torch::kInt16, "I16"},     {torch::kInt8, "I8"},
    {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"},
};

const char* dtype_name(torch::Dtype dtype) {
  for (const auto& entry : kDtypes) {
    if (entry.dtype == dtype) return entry.name;
  }
  throw std::runtime_error(std::string("safetensors: dtype ") + c10::toString(dtype) + " is not supported");
}

torch::Dtype dtype_from_name(const std::string& name, const std::string& path) {
  for (const auto& entry : kDtypes) {
    if (name == entry.name) return entry.dtype;
  }
  throw std::runtime_error(path + ": safetensors dtype '" + name + "' is not supported");
}

}  // namespace

void save_safetensors(const std::string& path, const TensorFile& file) {
  nlohmann::json header = nlohmann::json::object();
  std::vector<torch::Tensor> ordered;
  std::size_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    auto cpu = tensor.detach().to(torch::kCPU).contiguous();
    const std::size_t bytes = cpu.numel() * cpu.element_size();
    header[name] = {{"dtype", dtype_name(cpu.scalar_type())},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    ordered.push_back(cpu);
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;

  // nlohmann::json sorts object keys, so the data order above (std::map
  // order) matches the header order.
  std::string header_text = header.dump();
  while (header_text.size() % 8 != 0) header_text.push_back(' ');

  std::string contents;
  contents.reserve(8 + header_text.size() + offset);
  const uint64_t header_size = header_text.size();
  for (int i = 0; i < 8; ++i) contents.push_back(static_cast<char>((header_size >> (8 * i)) & 0xff));
  contents += header_text;
  for (const auto& tensor : ordered) {
    contents.append(static_cast<const char*>(tensor.data_ptr()), tensor.numel() * tensor.element_size());
  }
  core::write_file_atomic(path, contents);
}

TensorFile load_safetensors(const std::string& path) {
  const std::string contents = core::read_file(path);
  if (contents.size() < 8) throw std::runtime_error(path + ": not a safetensors file (shorter than 8 bytes)");
  uint64_t header_size = 0;
  for (int i = 0; i < 8; ++i) header_size |= static_cast<uint64_t>(static_cast<unsigned char>(contents[i])) << (8 * i);
  if (header_size > contents.size() - 8) throw std::runtime_error(path + ": safetensors header length exceeds the file");

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(contents.substr(8, header_size));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": invalid safetensors header: " + e.what());
  }

  TensorFile file;
  const std::size_t data_start = 8 + header_size;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      for (const auto& [key, value] : entry.items()) file.metadata[key] = value.get<std::string>();
      continue;
    }
    const auto dtype = dtype_from_name(entry.at("dtype").get<std::string>(), path);
    const auto shape = entry.at("shape").get<std::vector<int64_t>>();
    const auto offsets = entry.at("data_offsets").get<std::vector<std::size_t>>();
    if (offsets.size() != 2 || offsets[1] < offsets[0] || data_start + offsets[1] > contents.size()) {
      throw std::runtime_error(path + ": tensor '" + name + "' has data offsets outside the file");
    }
    auto tensor = torch::empty(shape, torch::TensorOptions().dtype(dtype));
    if (static_cast<std::size_t>(tensor.numel() * tensor.element_size()) != offsets[1] - offsets[0]) {
      throw std::runtime_error(path + ": tensor '" + name + "' size does not match its shape and dtype");
    }
    std::memcpy(tensor.data_ptr(), contents.data() + data_start + offsets[0], offsets[1] - offsets[0]);
    file.tensors[name] = tensor;
  }
  return file;
}

}  // namespace trm::model
