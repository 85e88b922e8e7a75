#include "engine/checkpoint_file.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/hash.h"
#include "models/core/family.h"

#ifdef GAN_HAVE_ZLIB
#include <zlib.h>
#endif

namespace gan {

static constexpr char kMagic[8] = {'G', 'A', 'N', 'X', 'C', 'K', 'P', 'T'};

static void put64(std::string& s, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

static std::uint64_t get(const std::string& s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

std::string seal_checkpoint(const std::string& archive) {
  std::string out(kMagic, sizeof kMagic);
  out.reserve(kCheckpointHeaderBytes + archive.size());
  put64(out, kCheckpointContainer);  // version (4 bytes) and 4 reserved zero bytes
  put64(out, archive.size());
  put64(out, fnv1a(archive.data(), archive.size()));
  out += archive;
  return out;
}

Unsealed unseal_checkpoint(std::string bytes) {
  Unsealed u;
  if (bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04", 4) == 0) {  // a bare zip: written before the header
    u.archive = std::move(bytes);
    u.legacy = true;
    return u;
  }
  if (bytes.size() < sizeof kMagic || bytes.compare(0, sizeof kMagic, kMagic, sizeof kMagic) != 0)
    throw std::runtime_error("it is not a GAN Explorer checkpoint");
  if (bytes.size() < kCheckpointHeaderBytes) throw std::runtime_error("it is damaged: cut short inside its header");
  const std::uint64_t version = get(bytes, 8, 4), size = get(bytes, 16, 8), sum = get(bytes, 24, 8);
  if (version > kCheckpointContainer || get(bytes, 12, 4) != 0)
    throw std::runtime_error("it was written by a newer GAN Explorer (container " + std::to_string(version) + ")");
  const std::uint64_t have = bytes.size() - kCheckpointHeaderBytes;
  if (size != have)
    throw std::runtime_error("it is damaged: its header promises " + std::to_string(size) + " bytes, the file holds " +
                             std::to_string(have) + (have < size ? " (cut short)" : ""));
  const std::uint64_t actual = fnv1a(bytes.data() + kCheckpointHeaderBytes, static_cast<std::size_t>(size));
  if (actual != sum)
    throw std::runtime_error("it is damaged: its checksum does not match its contents (checksum " + hex64(sum) +
                             ", contents " + hex64(actual) + "); the file changed after it was written");
  u.archive = bytes.substr(kCheckpointHeaderBytes);
  return u;
}

// ---------------------------------------------------------------------------------------------
std::uint32_t crc32_of(const void* data, std::size_t n, std::uint32_t crc) {
#ifdef GAN_HAVE_ZLIB
  const auto* p = static_cast<const Bytef*>(data);
  uLong c = crc;
  while (n > 0) {
    const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    c = ::crc32(c, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(c);
#else
  static const auto table = [] {
    std::vector<std::uint32_t> t(256);
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint32_t c = ~crc;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return ~c;
#endif
}

namespace {

struct ZipError : std::runtime_error {
  explicit ZipError(const std::string& what) : std::runtime_error("it is damaged: " + what) {}
};

// Reads little-endian fields with bounds checks.
struct Reader {
  const std::string& s;
  std::uint64_t at(std::uint64_t pos, int bytes, const char* what) const {
    if (pos > s.size() || s.size() - pos < static_cast<std::uint64_t>(bytes))
      throw ZipError(std::string(what) + " lies outside the file");
    return get(s, static_cast<std::size_t>(pos), bytes);
  }
};

// Whether a record's data match its CRC-32: stored data as they are, deflated data once inflated (when
// this build has zlib; without it a deflated record's CRC is not checked, only its bounds).
bool crc_matches(const char* data, std::uint64_t csize, std::uint64_t usize, std::uint64_t method, std::uint64_t crc) {
  if (method == 0) return crc32_of(data, static_cast<std::size_t>(usize)) == crc;
#ifdef GAN_HAVE_ZLIB
  if (usize > (std::uint64_t(1) << 30)) return false;  // LibTorch deflates only its small code records
  std::string out(static_cast<std::size_t>(usize), '\0');
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  z.avail_in = static_cast<uInt>(std::min<std::uint64_t>(csize, 0xffffffffu));
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(usize);
  const int r = inflate(&z, Z_FINISH);
  const bool whole = r == Z_STREAM_END && z.total_out == usize;
  inflateEnd(&z);
  return whole && crc32_of(out.data(), out.size()) == crc;
#else
  (void)data, (void)csize, (void)usize, (void)crc;
  return true;
#endif
}

}  // namespace

std::vector<ZipEntry> check_zip(const std::string& bytes) {
  const Reader r{bytes};
  const std::uint64_t n = bytes.size();
  if (n < 22) throw ZipError("too short to be an archive");
  // The end-of-central-directory record: the last 22 bytes, before a comment of up to 64 KiB.
  std::uint64_t eocd = n;
  for (std::uint64_t p = n - 22 + 1; p-- > (n > 22 + 65535 ? n - 22 - 65535 : 0);) {
    if (get(bytes, static_cast<std::size_t>(p), 4) == 0x06054b50u && p + 22 + get(bytes, p + 20, 2) == n) {
      eocd = p;
      break;
    }
  }
  if (eocd == n) throw ZipError("its archive directory is missing (cut short?)");
  std::uint64_t count = r.at(eocd + 10, 2, "the directory"), cd_size = r.at(eocd + 12, 4, "the directory"),
                cd_offset = r.at(eocd + 16, 4, "the directory");
  if (count == 0xffff || cd_size == 0xffffffffu || cd_offset == 0xffffffffu) {  // zip64
    if (eocd < 20 || r.at(eocd - 20, 4, "the zip64 locator") != 0x07064b50u)
      throw ZipError("its zip64 directory locator is missing");
    const std::uint64_t rec = r.at(eocd - 20 + 8, 8, "the zip64 locator");
    if (r.at(rec, 4, "the zip64 directory") != 0x06064b50u) throw ZipError("its zip64 directory is missing");
    count = r.at(rec + 32, 8, "the zip64 directory");
    cd_size = r.at(rec + 40, 8, "the zip64 directory");
    cd_offset = r.at(rec + 48, 8, "the zip64 directory");
  }
  if (cd_offset > n || cd_size > n - cd_offset) throw ZipError("its archive directory lies outside the file");
  if (count > cd_size / 46 + 1) throw ZipError("its archive directory is inconsistent");
  std::vector<ZipEntry> entries;
  std::uint64_t p = cd_offset;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (r.at(p, 4, "a directory entry") != 0x02014b50u) throw ZipError("directory entry " + std::to_string(i) + " is garbled");
    const std::uint64_t method = r.at(p + 10, 2, "a directory entry"), crc = r.at(p + 16, 4, "a directory entry");
    std::uint64_t csize = r.at(p + 20, 4, "a directory entry"), usize = r.at(p + 24, 4, "a directory entry");
    const std::uint64_t name_len = r.at(p + 28, 2, "a directory entry"), extra_len = r.at(p + 30, 2, "a directory entry"),
                        comment_len = r.at(p + 32, 2, "a directory entry");
    std::uint64_t local = r.at(p + 42, 4, "a directory entry");
    if (p + 46 + name_len + extra_len + comment_len > cd_offset + cd_size)
      throw ZipError("directory entry " + std::to_string(i) + " runs past the directory");
    ZipEntry e;
    e.name = bytes.substr(static_cast<std::size_t>(p + 46), static_cast<std::size_t>(name_len));
    // zip64 sizes and offset, in this order, for the fields that are 0xffffffff.
    for (std::uint64_t x = p + 46 + name_len; x + 4 <= p + 46 + name_len + extra_len;) {
      const std::uint64_t id = r.at(x, 2, "an extra field"), len = r.at(x + 2, 2, "an extra field");
      if (x + 4 + len > p + 46 + name_len + extra_len) throw ZipError("the record " + e.name + " has a garbled extra field");
      if (id == 0x0001) {
        std::uint64_t y = x + 4;
        auto take = [&](std::uint64_t& field) {
          if (field != 0xffffffffu) return;
          if (y + 8 > x + 4 + len) throw ZipError("the record " + e.name + " has a short zip64 field");
          field = r.at(y, 8, "a zip64 field");
          y += 8;
        };
        take(usize), take(csize), take(local);
      }
      x += 4 + len;
    }
    // LibTorch stores tensor records as they are and deflates its code records.
    if (method != 0 && method != 8) throw ZipError("the record " + e.name + " uses a compression LibTorch never writes");
    if (method == 0 && csize != usize) throw ZipError("the record " + e.name + " has inconsistent sizes");
    if (r.at(local, 4, "a record header") != 0x04034b50u) throw ZipError("the record " + e.name + " has no header where the directory says");
    const std::uint64_t data = local + 30 + r.at(local + 26, 2, "a record header") + r.at(local + 28, 2, "a record header");
    if (data > cd_offset || csize > cd_offset - data) throw ZipError("the record " + e.name + " runs past the end of the data");
    if (!crc_matches(bytes.data() + data, csize, usize, method, crc))
      throw ZipError("the record " + e.name + " does not match its CRC-32 (the file changed after it was written)");
    e.offset = data;
    e.size = usize;
    e.stored_size = csize;
    e.deflated = method == 8;
    entries.push_back(std::move(e));
    p += 46 + name_len + extra_len + comment_len;
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
namespace {

// Every tensor below `a`, depth first, with its dotted path.
void collect_tensors(torch::serialize::InputArchive& a, const std::string& prefix,
                     std::vector<std::pair<std::string, torch::Tensor>>& out, int depth) {
  if (depth > 64) throw std::runtime_error("it is damaged: its archive is nested too deeply");
  for (const auto& key : a.keys()) {
    c10::IValue v;
    if (!a.try_read(key, v)) continue;
    if (v.isTensor()) {
      out.emplace_back(prefix + key, v.toTensor());
    } else if (v.isModule()) {
      torch::serialize::InputArchive sub;
      if (a.try_read(key, sub)) collect_tensors(sub, prefix + key + ".", out, depth + 1);
    }
  }
}

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream s;
  s << "[";
  for (int64_t d = 0; d < t.dim(); ++d) s << (d ? ", " : "") << t.size(d);
  s << "] " << t.dtype();
  return s.str();
}

}  // namespace

void load_archive_checked(torch::serialize::InputArchive& archive, const std::string& bytes) {
  const auto entries = check_zip(bytes);
  try {
    archive.load_from(bytes.data(), bytes.size(), torch::Device(torch::kCPU));
  } catch (const std::exception& e) {
    std::string why = e.what();
    throw std::runtime_error("it is not a LibTorch archive, or it is damaged (" + why.substr(0, why.find('\n')) + ")");
  }
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  collect_tensors(archive, "", tensors, 0);
  std::map<const void*, std::uint64_t> storages;  // by data, the bytes each claims
  for (const auto& [name, t] : tensors) {
    if (!t.defined() || !t.has_storage()) continue;
    const std::uint64_t claimed = t.storage().nbytes();
    if (t.numel() > 0) {
      std::uint64_t last = static_cast<std::uint64_t>(t.storage_offset());
      for (int64_t d = 0; d < t.dim(); ++d) {
        if (t.stride(d) < 0) throw std::runtime_error("it is damaged: the tensor " + name + " has a negative stride");
        last += static_cast<std::uint64_t>(t.size(d) - 1) * static_cast<std::uint64_t>(t.stride(d));
      }
      if ((last + 1) * t.element_size() > claimed)
        throw std::runtime_error("it is damaged: the tensor " + name + " " + shape_text(t) + " reaches past its storage");
    }
    if (claimed > 0) storages[t.storage().data()] = claimed;
  }
  // Each storage came from one record of its own, of exactly the size it claims.
  std::multiset<std::uint64_t> records;
  for (const auto& e : entries) {
    const auto at = e.name.rfind("/data/");
    if (at != std::string::npos && e.name.find_first_not_of("0123456789", at + 6) == std::string::npos && e.size > 0)
      records.insert(e.size);
  }
  for (const auto& [data, claimed] : storages) {
    auto it = records.find(claimed);
    if (it == records.end())
      throw std::runtime_error("it is damaged: a tensor record is shorter or longer than its tensor (" +
                               std::to_string(claimed) + " bytes expected)");
    records.erase(it);
  }
}

// ---------------------------------------------------------------------------------------------
namespace {

// The tensor at a dotted path ("main.0.weight") below `a`; undefined when absent.
torch::Tensor tensor_at(torch::serialize::InputArchive& a, const std::string& path) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) {
    c10::IValue v;
    if (!a.try_read(path, v) || !v.isTensor()) return {};
    return v.toTensor();
  }
  torch::serialize::InputArchive sub;
  if (!a.try_read(path.substr(0, dot), sub)) return {};
  return tensor_at(sub, path.substr(dot + 1));
}

void same_tensor(const torch::Tensor& found, const torch::Tensor& expected, const std::string& name) {
  if (!found.defined()) throw std::runtime_error("it has no tensor " + name + ", which the model built from its config has");
  if (found.sizes() != expected.sizes() || found.scalar_type() != expected.scalar_type())
    throw std::runtime_error("its tensor " + name + " is " + shape_text(found) + ", but the model built from its config needs " +
                             shape_text(expected) + " (the config and the weights disagree)");
}

void same_module(torch::serialize::InputArchive& model, const std::string& key, const torch::nn::Module& m) {
  torch::serialize::InputArchive sub;
  if (!model.try_read(key, sub)) throw std::runtime_error("it has no network '" + key + "'");
  for (const auto& item : m.named_parameters(true)) same_tensor(tensor_at(sub, item.key()), item.value(), key + "." + item.key());
  for (const auto& item : m.named_buffers(true)) same_tensor(tensor_at(sub, item.key()), item.value(), key + "." + item.key());
}

}  // namespace

void check_model_archive(torch::serialize::InputArchive& model, const Family& family) {
  for (const Player* p : family.players()) {
    same_module(model, p->key(), p->net());
    if (p->ema()) same_module(model, p->key() + "_ema", *p->ema());
    if (p->historical_average_on()) {
      torch::serialize::InputArchive hist;
      const std::string key = "hist_avg_" + p->key();
      if (!model.try_read(key, hist)) throw std::runtime_error("it has no '" + key + "'");
      const auto params = p->net().parameters(true);
      for (std::size_t i = 0;; ++i) {
        const auto t = tensor_at(hist, "p" + std::to_string(i));
        if (!t.defined()) {
          if (i != 0 && i != params.size())
            throw std::runtime_error("its '" + key + "' holds " + std::to_string(i) + " tensors for " +
                                     std::to_string(params.size()) + " parameters");
          break;
        }
        if (i >= params.size()) throw std::runtime_error("its '" + key + "' holds more tensors than the network has parameters");
        same_tensor(t, params[i], key + ".p" + std::to_string(i));
      }
    }
  }
}

void check_optimizer_states(const Family& family) {
  for (const Player* p : family.players()) {
    if (!p->has_optimizer()) continue;
    auto& opt = p->optimizer();
    auto& state = opt.state();
    for (const auto& group : opt.param_groups()) {
      for (const auto& param : group.params()) {
        auto it = state.find(c10::guts::to_string(param.unsafeGetTensorImpl()));
        if (it == state.end() || !it->second) continue;
        std::vector<torch::Tensor> kept;
        if (auto* s = dynamic_cast<torch::optim::AdamParamState*>(it->second.get()))
          kept = {s->exp_avg(), s->exp_avg_sq(), s->max_exp_avg_sq()};
        else if (auto* s = dynamic_cast<torch::optim::RMSpropParamState*>(it->second.get()))
          kept = {s->square_avg(), s->momentum_buffer(), s->grad_avg()};
        else if (auto* s = dynamic_cast<torch::optim::SGDParamState*>(it->second.get()))
          kept = {s->momentum_buffer()};
        for (const auto& t : kept)
          if (t.defined() && t.numel() > 0 && (t.sizes() != param.sizes() || t.scalar_type() != param.scalar_type()))
            throw std::runtime_error("the optimizer state of '" + p->key() + "' is " + shape_text(t) + " for a parameter of " +
                                     shape_text(param) + " (the config and the weights disagree)");
      }
    }
  }
}

}  // namespace gan
