#pragma once
// The checkpoint file, and the checks a file passes before its tensors are used: a header seals the
// LibTorch archive with its size and a checksum; the archive's zip records are checked against their
// CRC-32s (LibTorch's reader does not check them); every tensor must lie inside the record it was read
// from; and the networks' tensors must have the names, shapes and types of the model the config builds.
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "engine/hash.h"
#include <vector>

namespace gan {

class Family;

// The container's version (the archive inside carries its own format_version).
constexpr std::uint32_t kCheckpointContainer = 2;
constexpr std::size_t kCheckpointHeaderBytes = 32;

// The file's bytes: "GANXCKPT", the container version, the archive's size and its 64-bit FNV-1a
// checksum (little-endian), then the archive.
std::string seal_checkpoint(const std::string& archive);

// The archive inside a checkpoint file's bytes. A sealed file's size and checksum are checked. A bare
// LibTorch archive (the files of GAN Explorer before the header) is taken as it is, with legacy set:
// its zip CRC-32s are then what proves it whole. Throws std::runtime_error saying what is wrong.
struct Unsealed {
  std::string archive;
  bool legacy = false;
};
Unsealed unseal_checkpoint(std::string bytes);

// One record of the zip archive LibTorch writes.
struct ZipEntry {
  std::string name;
  std::uint64_t offset = 0;       // of its data in the archive
  std::uint64_t size = 0;         // of its data, uncompressed
  std::uint64_t stored_size = 0;  // of its data as stored (smaller when deflated)
  bool deflated = false;          // LibTorch deflates its code records; tensor records are stored
};

// Walks a zip archive as LibTorch writes it (stored records, zip64 where needed): the directory and
// every record lie inside the bytes, and every record's data match its CRC-32. Throws
// std::runtime_error naming the first bad record.
std::vector<ZipEntry> check_zip(const std::string& bytes);

// A storage that a LibTorch pickle names: its record key ("0" for <archive>/data/0), its element size
// and its element count.
struct PickledStorage {
  std::string key;
  std::int64_t element_size = 0;
  std::int64_t numel = 0;
};
// Walks a pickle as LibTorch writes it (protocol 2) and lists the storages it names. Throws
// std::runtime_error for anything LibTorch does not write, or a persistent id that is not a storage.
std::vector<PickledStorage> pickled_storages(const std::string& pickle);

// Reads a LibTorch archive from memory, checked. Before LibTorch reads a byte: check_zip, and every
// storage the archive's pickles name must have its record, of exactly its size (LibTorch sizes a
// storage from the pickle and reads whatever the record holds: a short record would be read past its
// end). After LibTorch has parsed it, and before any tensor's data is touched: every tensor lies
// inside its storage. `device`: where the tensors go (none: where they were saved from).
// Throws std::runtime_error.
void load_archive_checked(torch::serialize::InputArchive& archive, const std::string& bytes,
                          c10::optional<torch::Device> device = torch::Device(torch::kCPU));

// Before a family loads `model` (the archive Family::save wrote): each player's network, EMA and
// historical average hold exactly the tensors the family built from the config has, with the same
// shapes and types. Throws std::runtime_error naming the first tensor that differs.
void check_model_archive(torch::serialize::InputArchive& model, const Family& family);

// After a family has loaded: each optimizer's state has its parameter's shape and type.
void check_optimizer_states(const Family& family);

}  // namespace gan
