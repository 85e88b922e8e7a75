#pragma once
// 64-bit FNV-1a, for cache keys (data, weights): not cryptographic, only "did this change".
#include <cstddef>
#include <cstdint>
#include <string>

namespace gan {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
uint64_t fnv1a(const void* data, size_t size, uint64_t h = kFnvOffset);
uint64_t fnv1a_file(const std::string& path);  // throws std::runtime_error when unreadable
std::string hex64(uint64_t h);                   // 16 lowercase hex digits
// CRC-32 (zlib's, when the build has zlib), continued from `crc`.
uint32_t crc32_of(const void* data, size_t n, uint32_t crc = 0);

}  // namespace gan
