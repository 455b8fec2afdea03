#pragma once
// Reading and writing tensors in the safetensors format (an 8-byte
// little-endian header length, a JSON header with dtype, shape and byte
// offsets per tensor plus an optional `__metadata__` string map, then the raw
// little-endian data). From Python, scripts/safetensors_io.py reads and
// writes them with torch alone.

#include <torch/torch.h>

#include <map>
#include <string>

namespace trm::model {

/// Tensors and string metadata of one safetensors file.
struct TensorFile {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

/// Writes `file` to `path` atomically (temporary file, then rename). Tensors
/// are copied to the CPU and made contiguous. Supported dtypes: float64,
/// float32, bfloat16, float16, int64, int32, int16, int8, uint8, bool.
void save_safetensors(const std::string& path, const TensorFile& file);

/// Reads a safetensors file onto the CPU. Throws std::runtime_error naming
/// the path and the problem for a missing, truncated or malformed file.
TensorFile load_safetensors(const std::string& path);

}  // namespace trm::model
