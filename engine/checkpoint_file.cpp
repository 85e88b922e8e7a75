#include "engine/checkpoint_file.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/hash.h"
#include "models/core/family.h"
#include "models/layers/state.h"

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
  if (bytes.empty()) throw std::runtime_error("it is empty (0 bytes)");
  const size_t probe = std::min(bytes.size(), sizeof kMagic);
  if (bytes.compare(0, probe, kMagic, probe) != 0) throw std::runtime_error("it is not a GAN Explorer checkpoint");
  if (bytes.size() < kCheckpointHeaderBytes)
    throw std::runtime_error("it is damaged: cut short inside its header (" + std::to_string(bytes.size()) + " bytes)");
  const std::uint64_t version = get(bytes, 8, 4), size = get(bytes, 16, 8), sum = get(bytes, 24, 8);
  if (version == 0 || get(bytes, 12, 4) != 0) throw std::runtime_error("it is damaged: its header is garbled");
  if (version > kCheckpointContainer)
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
  // The end-of-central-directory record, chosen as LibTorch's reader (miniz) chooses it: the last
  // signature with 22 bytes after it, within the last 64 KiB. Its comment must then end the file.
  std::uint64_t eocd = n;
  for (std::uint64_t p = n - 22 + 1; p-- > (n > 22 + 65535 ? n - 22 - 65535 : 0);) {
    if (get(bytes, static_cast<std::size_t>(p), 4) == 0x06054b50u) {
      eocd = p;
      break;
    }
  }
  if (eocd == n) throw ZipError("its archive directory is missing (cut short?)");
  if (eocd + 22 + get(bytes, static_cast<std::size_t>(eocd + 20), 2) != n)
    throw ZipError("its archive directory's end record is garbled");
  std::uint64_t count = r.at(eocd + 10, 2, "the directory"), cd_size = r.at(eocd + 12, 4, "the directory"),
                cd_offset = r.at(eocd + 16, 4, "the directory");
  // miniz takes the zip64 record whenever its locator is there (LibTorch always writes one); the
  // 32-bit fields must then agree with it, or be saturated.
  if (eocd >= 20 && r.at(eocd - 20, 4, "the zip64 locator") == 0x07064b50u) {
    const std::uint64_t rec = r.at(eocd - 20 + 8, 8, "the zip64 locator");
    if (r.at(rec, 4, "the zip64 directory") != 0x06064b50u) throw ZipError("its zip64 directory is missing");
    const std::uint64_t count64 = r.at(rec + 32, 8, "the zip64 directory"), size64 = r.at(rec + 40, 8, "the zip64 directory"),
                        offset64 = r.at(rec + 48, 8, "the zip64 directory");
    if ((count != 0xffff && count != count64) || (cd_size != 0xffffffffu && cd_size != size64) ||
        (cd_offset != 0xffffffffu && cd_offset != offset64))
      throw ZipError("its two archive directories disagree");
    count = count64, cd_size = size64, cd_offset = offset64;
  } else if (count == 0xffff || cd_size == 0xffffffffu || cd_offset == 0xffffffffu) {
    throw ZipError("its zip64 directory locator is missing");
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

namespace {

// A value on the stack of the pickle walker: only what a storage's persistent id is made of is kept.
struct PickleValue {
  enum Kind { Other, Mark, Str, Int, Global, Tuple } kind = Other;
  std::string text;  // Str, Global ("module name")
  std::int64_t number = 0;
  std::vector<std::shared_ptr<const PickleValue>> items;  // Tuple
};
using PV = std::shared_ptr<const PickleValue>;

PV make(PickleValue::Kind k, std::string text = "", std::int64_t number = 0) {
  auto v = std::make_shared<PickleValue>();
  v->kind = k;
  v->text = std::move(text);
  v->number = number;
  return v;
}

std::int64_t element_size_of(const std::string& storage) {
  static const std::map<std::string, std::int64_t> sizes = {
      {"torch FloatStorage", 4}, {"torch DoubleStorage", 8},  {"torch HalfStorage", 2},
      {"torch BFloat16Storage", 2}, {"torch LongStorage", 8}, {"torch IntStorage", 4},
      {"torch ShortStorage", 2}, {"torch CharStorage", 1},    {"torch ByteStorage", 1},
      {"torch BoolStorage", 1},  {"torch ComplexFloatStorage", 8}, {"torch ComplexDoubleStorage", 16}};
  auto it = sizes.find(storage);
  return it == sizes.end() ? 0 : it->second;
}

}  // namespace

std::vector<PickledStorage> pickled_storages(const std::string& pkl) {
  struct Bad : std::runtime_error {
    explicit Bad(const std::string& w) : std::runtime_error("it is damaged: its pickle " + w) {}
  };
  std::vector<PickledStorage> out;
  std::vector<PV> stack;
  std::map<std::uint64_t, PV> memo;
  size_t i = 0;
  auto need = [&](size_t k) {
    if (pkl.size() - i < k) throw Bad("is cut short");
  };
  auto uint_le = [&](size_t k) {
    need(k);
    std::uint64_t v = 0;
    for (size_t j = k; j-- > 0;) v = (v << 8) | static_cast<unsigned char>(pkl[i + j]);
    i += k;
    return v;
  };
  auto pop = [&] {
    if (stack.empty()) throw Bad("pops an empty stack");
    PV v = stack.back();
    stack.pop_back();
    return v;
  };
  auto pop_to_mark = [&] {
    std::vector<PV> items;
    for (;;) {
      PV v = pop();
      if (v->kind == PickleValue::Mark) break;
      items.push_back(v);
    }
    std::reverse(items.begin(), items.end());
    return items;
  };
  auto tuple_of = [&](std::vector<PV> items) {
    auto t = std::make_shared<PickleValue>();
    t->kind = PickleValue::Tuple;
    t->items = std::move(items);
    return PV(t);
  };
  auto text = [&](size_t len_bytes) {
    const std::uint64_t len = uint_le(len_bytes);
    if (len > pkl.size() - i) throw Bad("has a string past its end");
    std::string s(pkl, i, static_cast<size_t>(len));
    i += static_cast<size_t>(len);
    return s;
  };
  auto line = [&] {
    const size_t end = pkl.find('\n', i);
    if (end == std::string::npos) throw Bad("has an unfinished name");
    std::string s(pkl, i, end - i);
    i = end + 1;
    return s;
  };
  while (true) {
    need(1);
    const unsigned char op = static_cast<unsigned char>(pkl[i++]);
    switch (op) {
      case 0x80: uint_le(1); break;                        // PROTO
      case 0x95: uint_le(8); break;                        // FRAME
      case '.': return out;                                // STOP
      case '(': stack.push_back(make(PickleValue::Mark)); break;
      case ')': stack.push_back(tuple_of({})); break;      // EMPTY_TUPLE
      case ']': case '}': case 'N': case 0x88: case 0x89:  // EMPTY_LIST, EMPTY_DICT, NONE, NEWTRUE, NEWFALSE
        stack.push_back(make(PickleValue::Other));
        break;
      case 't': stack.push_back(tuple_of(pop_to_mark())); break;
      case 0x85: case 0x86: case 0x87: {                   // TUPLE1, TUPLE2, TUPLE3
        std::vector<PV> items(op - 0x84);
        for (size_t k = items.size(); k-- > 0;) items[k] = pop();
        stack.push_back(tuple_of(std::move(items)));
        break;
      }
      case 'c': {                                          // GLOBAL
        std::string module = line();
        std::string name = line();
        stack.push_back(make(PickleValue::Global, module + " " + name));
        break;
      }
      case 'X': stack.push_back(make(PickleValue::Str, text(4))); break;     // BINUNICODE
      case 0x8c: stack.push_back(make(PickleValue::Str, text(1))); break;    // SHORT_BINUNICODE
      case 0x8d: stack.push_back(make(PickleValue::Str, text(8))); break;    // BINUNICODE8
      case 'T': stack.push_back(make(PickleValue::Str, text(4))); break;     // BINSTRING
      case 'U': stack.push_back(make(PickleValue::Str, text(1))); break;     // SHORT_BINSTRING
      case 'B': text(4), stack.push_back(make(PickleValue::Other)); break;   // BINBYTES
      case 'C': text(1), stack.push_back(make(PickleValue::Other)); break;   // SHORT_BINBYTES
      case 'J': stack.push_back(make(PickleValue::Int, "", static_cast<std::int32_t>(uint_le(4)))); break;
      case 'K': stack.push_back(make(PickleValue::Int, "", static_cast<std::int64_t>(uint_le(1)))); break;
      case 'M': stack.push_back(make(PickleValue::Int, "", static_cast<std::int64_t>(uint_le(2)))); break;
      case 0x8a: case 0x8b: {                              // LONG1, LONG4: little-endian two's complement
        const std::uint64_t len = uint_le(op == 0x8a ? 1 : 4);
        if (len > 8) throw Bad("holds an integer too large for a tensor");
        need(static_cast<size_t>(len));
        std::uint64_t v = 0;
        for (size_t j = static_cast<size_t>(len); j-- > 0;) v = (v << 8) | static_cast<unsigned char>(pkl[i + j]);
        if (len > 0 && len < 8 && (static_cast<unsigned char>(pkl[i + len - 1]) & 0x80)) v |= ~std::uint64_t(0) << (8 * len);
        i += static_cast<size_t>(len);
        stack.push_back(make(PickleValue::Int, "", static_cast<std::int64_t>(v)));
        break;
      }
      case 'G': uint_le(8), stack.push_back(make(PickleValue::Other)); break;  // BINFLOAT
      case 'q': case 'r': {                                // BINPUT, LONG_BINPUT
        const std::uint64_t k = uint_le(op == 'q' ? 1 : 4);
        if (stack.empty()) throw Bad("memoises an empty stack");
        memo[k] = stack.back();
        break;
      }
      case 0x94:                                           // MEMOIZE
        if (stack.empty()) throw Bad("memoises an empty stack");
        memo[memo.size()] = stack.back();
        break;
      case 'h': case 'j': {                                // BINGET, LONG_BINGET
        auto it = memo.find(uint_le(op == 'h' ? 1 : 4));
        if (it == memo.end()) throw Bad("refers to a value it never stored");
        stack.push_back(it->second);
        break;
      }
      case 'Q': {                                          // BINPERSID: a storage
        PV id = pop();
        const auto& t = id->items;
        if (id->kind != PickleValue::Tuple || t.size() != 5 || t[0]->kind != PickleValue::Str || t[0]->text != "storage" ||
            t[1]->kind != PickleValue::Global || t[2]->kind != PickleValue::Str || t[3]->kind != PickleValue::Str ||
            t[4]->kind != PickleValue::Int)
          throw Bad("holds a persistent id that is not a storage");
        const std::int64_t element = element_size_of(t[1]->text);
        if (element == 0) throw Bad("holds a storage of an unknown type (" + t[1]->text + ")");
        if (t[4]->number < 0 || t[4]->number > (std::int64_t(1) << 50) / element) throw Bad("holds a storage of an impossible size");
        out.push_back({t[2]->text, element, t[4]->number});
        stack.push_back(make(PickleValue::Other));
        break;
      }
      case 'R': case 0x81: pop(), pop(), stack.push_back(make(PickleValue::Other)); break;  // REDUCE, NEWOBJ
      case 'b': pop(); break;                              // BUILD
      case 's': pop(), pop(); break;                       // SETITEM
      case 'u': case 'e': pop_to_mark(); break;            // SETITEMS, APPENDS
      case 'a': pop(); break;                              // APPEND
      case '0': pop(); break;                              // POP
      case '1': pop_to_mark(); break;                      // POP_MARK
      case '2': {                                          // DUP
        if (stack.empty()) throw Bad("duplicates an empty stack");
        stack.push_back(stack.back());
        break;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        throw Bad(std::string("holds an instruction LibTorch never writes (") + hex + ")");
      }
    }
    if (stack.size() > 1000000) throw Bad("is nested too deeply");
  }
}

void load_archive_checked(torch::serialize::InputArchive& archive, const std::string& bytes,
                          c10::optional<torch::Device> device) {
  const auto entries = check_zip(bytes);
  // Every storage the pickles name must have a record of exactly its size, before LibTorch reads one.
  std::map<std::string, const ZipEntry*> by_name;
  for (const auto& e : entries) by_name[e.name] = &e;
  for (const auto& e : entries) {
    const bool data = e.name.size() >= 8 && e.name.compare(e.name.size() - 8, 8, "data.pkl") == 0;
    const bool constants = e.name.size() >= 13 && e.name.compare(e.name.size() - 13, 13, "constants.pkl") == 0;
    if (!data && !constants) continue;
    if (e.deflated) throw ZipError("its pickle " + e.name + " is compressed, which LibTorch never writes");
    const std::string dir = e.name.substr(0, e.name.size() - (data ? 8 : 13)) + (data ? "data/" : "constants/");
    for (const auto& s : pickled_storages(bytes.substr(static_cast<size_t>(e.offset), static_cast<size_t>(e.size)))) {
      if (s.numel == 0) continue;
      auto it = by_name.find(dir + s.key);
      if (it == by_name.end()) throw ZipError("the tensor record " + dir + s.key + " is missing");
      const std::uint64_t want = static_cast<std::uint64_t>(s.numel) * static_cast<std::uint64_t>(s.element_size);
      if (it->second->size != want || it->second->deflated)
        throw ZipError("the tensor record " + dir + s.key + " holds " + std::to_string(it->second->size) +
                       " bytes where its tensor needs " + std::to_string(want) + " (a record is shorter or longer than its tensor)");
    }
  }
  try {
    archive.load_from(bytes.data(), bytes.size(), device);
  } catch (const std::exception& e) {
    std::string why = e.what();
    throw std::runtime_error("it is not a LibTorch archive, or it is damaged (" + why.substr(0, why.find('\n')) + ")");
  }
  // Each tensor inside its storage (sizes, strides and offset come from the pickle too).
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  collect_tensors(archive, "", tensors, 0);
  for (const auto& [name, t] : tensors) {
    if (!t.defined() || !t.has_storage() || t.numel() == 0) continue;
    using U = unsigned __int128;
    if (t.storage_offset() < 0) throw std::runtime_error("it is damaged: the tensor " + name + " has a negative offset");
    U last = static_cast<U>(t.storage_offset());
    for (int64_t d = 0; d < t.dim(); ++d) {
      if (t.stride(d) < 0 || t.size(d) < 0) throw std::runtime_error("it is damaged: the tensor " + name + " has a negative stride");
      last += static_cast<U>(t.size(d) - 1) * static_cast<U>(t.stride(d));
    }
    if ((last + 1) * static_cast<U>(t.element_size()) > static_cast<U>(t.storage().nbytes()))
      throw std::runtime_error("it is damaged: the tensor " + name + " " + shape_text(t) + " reaches past its storage");
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
        auto it = find_param_state(state, param);
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
