#include "trm/model/safetensors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("trm_safetensors_" + name)).string();
}

TEST(SafetensorsTest, RoundTripKeepsDtypeShapeAndValues) {
  trm::model::TensorFile file;
  file.tensors["a"] = torch::arange(6, torch::kFloat32).view({2, 3});
  file.tensors["b"] = torch::tensor({1.5, -2.0}).to(torch::kBFloat16);
  file.tensors["c"] = torch::tensor({true, false});
  file.tensors["d"] = torch::tensor({7, 8, 9}, torch::kLong);
  file.metadata["config"] = "model: {}";
  const auto path = temp_path("roundtrip.safetensors");
  trm::model::save_safetensors(path, file);

  const auto loaded = trm::model::load_safetensors(path);
  ASSERT_EQ(loaded.tensors.size(), 4u);
  for (const auto& [name, tensor] : file.tensors) {
    const auto& other = loaded.tensors.at(name);
    EXPECT_EQ(other.scalar_type(), tensor.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(other, tensor)) << name;
  }
  EXPECT_EQ(loaded.metadata.at("config"), "model: {}");
}

TEST(SafetensorsTest, HeaderLengthIsLittleEndianAndAligned) {
  trm::model::TensorFile file;
  file.tensors["x"] = torch::zeros({1});
  const auto path = temp_path("header.safetensors");
  trm::model::save_safetensors(path, file);
  std::ifstream in(path, std::ios::binary);
  unsigned char bytes[8];
  in.read(reinterpret_cast<char*>(bytes), 8);
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  EXPECT_EQ(length % 8, 0u);
  EXPECT_EQ(std::filesystem::file_size(path), 8 + length + 4);
}

TEST(SafetensorsTest, TruncatedFileIsRejected) {
  const auto path = temp_path("truncated.safetensors");
  std::ofstream(path, std::ios::binary) << "\x10\x00";
  EXPECT_THROW(trm::model::load_safetensors(path), std::runtime_error);
}

TEST(SafetensorsTest, MissingFileIsRejected) {
  EXPECT_THROW(trm::model::load_safetensors(temp_path("does_not_exist.safetensors")), std::runtime_error);
}

}  // namespace
