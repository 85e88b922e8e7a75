#include "engine/glyphs.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "engine/dataset.h"
#include "engine/files.h"
#include "engine/hash.h"

#ifdef GAN_HAVE_GLYPHS
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#endif

namespace gan {
namespace {

constexpr int kCacheVersion = 2;  // bump when the rendering changes

std::string code_point(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}


}  // namespace

const std::vector<GlyphFace>& glyph_faces() {
  static const std::vector<GlyphFace> faces = {
      {"DejaVu Sans", "DejaVu Sans", "Book", "fonts-dejavu-core"},
      {"DejaVu Serif", "DejaVu Serif", "Book", "fonts-dejavu-core"},
      {"DejaVu Sans Mono", "DejaVu Sans Mono", "Book", "fonts-dejavu-core"},
      {"DejaVu Sans Bold", "DejaVu Sans", "Bold", "fonts-dejavu-core"},
      {"Liberation Sans", "Liberation Sans", "Regular", "fonts-liberation2"},
      {"Liberation Serif", "Liberation Serif", "Regular", "fonts-liberation2"},
      {"Liberation Mono", "Liberation Mono", "Regular", "fonts-liberation2"},
      {"Liberation Serif Italic", "Liberation Serif", "Italic", "fonts-liberation2"},
  };
  return faces;
}

std::vector<char32_t> glyph_characters(const std::string& split) {
  if (split != "train" && split != "test")
    throw std::runtime_error("the glyphs have the splits 'train' and 'test', not '" + split + "'");
  std::vector<char32_t> all;
  for (char32_t c = U'A'; c <= U'Z'; ++c) all.push_back(c);
  for (char32_t c = U'a'; c <= U'z'; ++c) all.push_back(c);
  for (char32_t c = U'0'; c <= U'9'; ++c) all.push_back(c);
  for (char32_t c = 0x391; c <= 0x3A9; ++c)
    if (c != 0x3A2) all.push_back(c);  // Greek capitals (U+03A2 is unassigned)
  for (char32_t c = 0x3B1; c <= 0x3C9; ++c)
    if (c != 0x3C2) all.push_back(c);  // Greek small letters, without the final sigma
  for (char32_t c = 0x410; c <= 0x44F; ++c) all.push_back(c);  // Cyrillic А..я
  std::vector<char32_t> out;
  for (size_t i = 0; i < all.size(); ++i)
    if ((i % 5 == 4) == (split == "test")) out.push_back(all[i]);
  return out;
}

#ifdef GAN_HAVE_GLYPHS

namespace {
std::mutex& font_mutex() {  // fontconfig and one FreeType library: one caller at a time
  static std::mutex m;
  return m;
}
}  // namespace

std::string find_font_file(const GlyphFace& face) {
  std::lock_guard<std::mutex> lock(font_mutex());
  if (!FcInit()) throw std::runtime_error("fontconfig could not be initialised");
  FcPattern* pattern = FcPatternCreate();
  FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(face.family.c_str()));
  FcPatternAddString(pattern, FC_STYLE, reinterpret_cast<const FcChar8*>(face.style.c_str()));
  FcObjectSet* objects = FcObjectSetBuild(FC_FILE, FC_FAMILY, FC_STYLE, nullptr);
  FcFontSet* set = FcFontList(nullptr, pattern, objects);
  // A font whose first family and first style are the ones asked for (DejaVu Sans Condensed also
  // lists "DejaVu Sans" and "Book" among its names); the first file by name when several are.
  std::string found;
  for (int i = 0; set && i < set->nfont; ++i) {
    FcChar8 *family = nullptr, *style = nullptr, *file = nullptr;
    if (FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &family) != FcResultMatch ||
        FcPatternGetString(set->fonts[i], FC_STYLE, 0, &style) != FcResultMatch ||
        FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
      continue;
    if (face.family != reinterpret_cast<const char*>(family) || face.style != reinterpret_cast<const char*>(style))
      continue;
    const std::string path = reinterpret_cast<const char*>(file);
    if (found.empty() || path < found) found = path;
  }
  if (set) FcFontSetDestroy(set);
  FcObjectSetDestroy(objects);
  FcPatternDestroy(pattern);
  if (found.empty())
    throw std::runtime_error("the typeface " + face.name + " (" + face.family + ", " + face.style +
                             ") is not installed: sudo apt-get install " + face.package);
  return found;
}

namespace {

torch::Tensor render_file(const std::string& file, const GlyphFace& face, const std::vector<char32_t>& chars,
                          int resolution) {
  std::lock_guard<std::mutex> lock(font_mutex());
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library)) throw std::runtime_error("FreeType could not be initialised");
  FT_Face ft = nullptr;
  struct Release {
    FT_Library& l;
    FT_Face& f;
    ~Release() {
      if (f) FT_Done_Face(f);
      FT_Done_FreeType(l);
    }
  } release{library, ft};
  if (FT_New_Face(library, file.c_str(), 0, &ft))
    throw std::runtime_error("FreeType cannot read the font file " + file + " of " + face.name);
  const int em = static_cast<int>(std::lround(0.8 * resolution));
  const int baseline = static_cast<int>(std::lround(0.76 * resolution));
  if (FT_Set_Pixel_Sizes(ft, 0, static_cast<FT_UInt>(em))) throw std::runtime_error(face.name + " cannot be sized");
  auto out = torch::zeros({static_cast<int64_t>(chars.size()), 1, resolution, resolution}, torch::kUInt8);
  auto* pixels = out.data_ptr<uint8_t>();
  for (size_t i = 0; i < chars.size(); ++i) {
    if (FT_Get_Char_Index(ft, chars[i]) == 0)
      throw std::runtime_error(face.name + " has no glyph for " + code_point(chars[i]));
    if (FT_Load_Char(ft, chars[i], FT_LOAD_RENDER | FT_LOAD_NO_HINTING))
      throw std::runtime_error(face.name + " could not render " + code_point(chars[i]));
    const FT_Bitmap& b = ft->glyph->bitmap;
    const int w = static_cast<int>(b.width), h = static_cast<int>(b.rows);
    const int x0 = (resolution - w) / 2;  // the ink centred across
    const int y0 = baseline - ft->glyph->bitmap_top;
    uint8_t* im = pixels + i * static_cast<size_t>(resolution) * resolution;
    for (int y = 0; y < h; ++y) {
      const int ty = y0 + y;
      if (ty < 0 || ty >= resolution) continue;
      const unsigned char* row = b.buffer + static_cast<ptrdiff_t>(y) * b.pitch;
      for (int x = 0; x < w; ++x) {
        const int tx = x0 + x;
        if (tx >= 0 && tx < resolution) im[ty * resolution + tx] = row[x];
      }
    }
  }
  return out;
}

}  // namespace

torch::Tensor render_glyphs(const GlyphFace& face, const std::vector<char32_t>& chars, int resolution) {
  return render_file(find_font_file(face), face, chars, resolution);
}

#else

std::string find_font_file(const GlyphFace& face) {
  throw std::runtime_error("this build has no glyph renderer (FreeType and fontconfig were not found), so " + face.name +
                           " cannot be drawn");
}

namespace {
torch::Tensor render_file(const std::string&, const GlyphFace& face, const std::vector<char32_t>&, int) {
  find_font_file(face);  // throws
  return {};
}
}  // namespace

torch::Tensor render_glyphs(const GlyphFace& face, const std::vector<char32_t>& chars, int resolution) {
  return render_file("", face, chars, resolution);
}

#endif

std::optional<DatasetSpec> glyph_truth(const DatasetSpec& source, const DatasetSpec& target) {
  if (source.source != "glyphs" || target.source != "glyphs" || source.classes.size() != 1 || target.classes.size() != 1)
    return std::nullopt;
  DatasetSpec truth = target;
  truth.split = source.split;
  return truth;
}

std::shared_ptr<const Dataset> load_glyphs(const DatasetSpec& spec, int resolution, const std::string& cache_in) {
  const auto chars = glyph_characters(spec.split);
  const auto& faces = glyph_faces();
  std::vector<size_t> picked;
  std::string known;
  for (const auto& f : faces) known += (known.empty() ? "" : ", ") + f.name;
  std::vector<std::string> face_names;
  for (const auto& f : faces) face_names.push_back(f.name);
  for (const auto& c : spec.classes) {
    const int found = find_class(face_names, c);
    if (found < 0) throw std::runtime_error("'" + c + "' is not a typeface of the glyphs (they are: " + known + ")");
    const size_t index = static_cast<size_t>(found);
    if (std::find(picked.begin(), picked.end(), index) == picked.end()) picked.push_back(index);
  }
  if (picked.empty())
    for (size_t k = 0; k < faces.size(); ++k) picked.push_back(k);
  std::sort(picked.begin(), picked.end());

  const std::string cache = (cache_in.empty() ? cache_dir() : cache_in) + "/glyphs";
  std::vector<torch::Tensor> images, labels;
  std::vector<std::string> notes;
  std::string names;
  for (size_t k : picked) {
    const GlyphFace& face = faces[k];
    const std::string file = find_font_file(face);
    uint64_t key = fnv1a_file(file);
    key = fnv1a(chars.data(), chars.size() * sizeof(char32_t), key);
    const int64_t meta[2] = {resolution, kCacheVersion};
    key = fnv1a(meta, sizeof meta, key);
    std::string stem = face.name;
    std::replace(stem.begin(), stem.end(), ' ', '-');
    const std::string path = cache + "/" + stem + "-" + std::to_string(resolution) + "-" + hex64(key) + ".u8";
    const size_t bytes = chars.size() * static_cast<size_t>(resolution) * resolution;
    // The pixels, then their FNV-1a (8 bytes): a damaged file is drawn again, and the run says so.
    torch::Tensor x;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      std::string data;
      try {
        data = read_file_bytes(path, "glyph cache file", bytes + 8);
      } catch (const std::exception&) {
      }
      uint64_t stored = 0;
      if (data.size() == bytes + 8) std::memcpy(&stored, data.data() + bytes, 8);
      if (data.size() == bytes + 8 && stored == fnv1a(data.data(), bytes)) {
        x = torch::empty({static_cast<int64_t>(chars.size()), 1, resolution, resolution}, torch::kUInt8);
        std::memcpy(x.data_ptr<uint8_t>(), data.data(), bytes);
      } else {
        notes.push_back("the glyph cache file " + path + " was damaged: " + face.name + " was drawn again");
      }
    }
    if (!x.defined()) {
      x = render_file(file, face, chars, resolution);
      std::string data(reinterpret_cast<const char*>(x.data_ptr<uint8_t>()), bytes);
      const uint64_t sum = fnv1a(data.data(), bytes);
      data.append(reinterpret_cast<const char*>(&sum), 8);
      try {  // a cache that cannot be written only costs the next run a render
        write_bytes_atomically(path, data);
      } catch (const std::exception& e) {
        notes.push_back(std::string("the glyphs are not cached: ") + e.what());
      }
    }
    images.push_back(x);
    labels.push_back(torch::full({x.size(0)}, static_cast<int64_t>(k), torch::kLong));
    names += (names.empty() ? "" : ", ") + face.name;
  }
  const std::string desc = "Glyphs " + spec.split + ": " + std::to_string(chars.size()) + " characters in " +
                           std::to_string(picked.size()) + " typeface(s) (" + names + "), " + std::to_string(resolution) +
                           "x" + std::to_string(resolution);
  auto out = std::make_shared<Dataset>(torch::cat(images), torch::cat(labels), face_names, desc);
  for (auto& n : notes) out->add_warning(std::move(n));
  return out;
}

}  // namespace gan
