#include "engine/animation.h"

#include "engine/files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#ifdef GAN_HAVE_GIF
#include <fcntl.h>
#include <gif_lib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif
#ifdef GAN_HAVE_VIDEO
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#endif

namespace gan {

namespace {

std::string lower_suffix(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext;
}

// Nearest-neighbour scaling by a whole factor, and grey to RGB when asked.
Image8 scaled(const Image8& in, int k, bool to_rgb) {
  Image8 out;
  out.width = in.width * k;
  out.height = in.height * k;
  out.channels = to_rgb ? 3 : in.channels;
  out.pixels.resize(size_t(out.width) * out.height * out.channels);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      const std::uint8_t* src = &in.pixels[(size_t(y / k) * in.width + x / k) * in.channels];
      std::uint8_t* dst = &out.pixels[(size_t(y) * out.width + x) * out.channels];
      for (int c = 0; c < out.channels; ++c) dst[c] = src[in.channels == 1 ? 0 : c];
    }
  return out;
}

std::vector<Image8> prepared(const std::vector<Image8>& frames, const AnimationOptions& o, bool even, bool rgb) {
  if (frames.empty()) throw std::runtime_error("there are no frames to write");
  const Image8& first = frames.front();
  if (first.width <= 0 || first.height <= 0 || (first.channels != 1 && first.channels != 3))
    throw std::runtime_error("the frames are not 8-bit grey or RGB images");
  for (const auto& f : frames)
    if (f.width != first.width || f.height != first.height || f.channels != first.channels)
      throw std::runtime_error("the frames differ in size");
  if (!(o.fps > 0 && o.fps <= 100)) throw std::runtime_error("the frame rate must be above 0 and at most 100");
  const int side = std::min(first.width, first.height);
  int k = std::max(1, (std::max(o.min_side, 1) + side - 1) / side);
  k = std::min(k, std::max(1, 4096 / std::max(first.width, first.height)));
  if (even && ((first.width * k) % 2 || (first.height * k) % 2)) k = k % 2 ? k + 1 : k;  // whole, even sides
  std::vector<Image8> out;
  for (const auto& f : frames) out.push_back(scaled(f, k, rgb));
  if (o.bounce)
    for (size_t i = frames.size() - 1; i-- > 1;) out.push_back(out[i]);
  return out;
}

// Writes through a temporary file in the same folder, then renames it into place.
template <class Write>
void atomically(const std::string& path, Write write) {
  // The writers choose the format by the extension, so the temporary keeps it: PATH.tmp-PID-N.gif.
  // Those a killed export left beside PATH go first (and no other file of the folder).
  const std::filesystem::path target(path);
  remove_stale_temporaries(target.has_parent_path() ? target.parent_path().string() : std::string("."),
                           target.filename().string());
  const std::string tmp = temporary_name(path, target.extension().string());
  std::error_code ec;
  try {
    write(tmp);
  } catch (...) {
    std::filesystem::remove(tmp, ec);
    throw;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error("could not write " + path + ": " + ec.message());
  }
  sync_folder_of(path);  // as the project's other atomic writes (engine/files)
}

#ifdef GAN_HAVE_GIF
// When the RGB frames hold at most 256 colours, a palette of exactly those; false otherwise.
bool exact_palette(const std::vector<Image8>& frames, std::vector<GifColorType>& palette,
                   std::vector<std::vector<GifByteType>>& indices) {
  std::unordered_map<std::uint32_t, int> index;
  for (size_t f = 0; f < frames.size(); ++f) {
    const auto& px = frames[f].pixels;
    for (size_t i = 0; i < indices[f].size(); ++i) {
      const std::uint32_t rgb = std::uint32_t(px[3 * i]) << 16 | std::uint32_t(px[3 * i + 1]) << 8 | px[3 * i + 2];
      auto it = index.find(rgb);
      if (it == index.end()) {
        if (index.size() == 256) return false;
        it = index.emplace(rgb, int(index.size())).first;
        palette[it->second] = {px[3 * i], px[3 * i + 1], px[3 * i + 2]};
      }
      indices[f][i] = GifByteType(it->second);
    }
  }
  return true;
}

void write_gif(const std::string& path, const std::vector<Image8>& frames, double fps) {
  const int w = frames[0].width, h = frames[0].height;
  const size_t n = size_t(w) * h;
  const bool grey = frames[0].channels == 1;
  // One palette for every frame, so that colours do not flicker between frames.
  std::vector<GifColorType> palette(256);
  std::vector<std::vector<GifByteType>> indices(frames.size(), std::vector<GifByteType>(n));
  if (grey) {
    for (int i = 0; i < 256; ++i) palette[i] = {GifByteType(i), GifByteType(i), GifByteType(i)};
    for (size_t f = 0; f < frames.size(); ++f) std::copy(frames[f].pixels.begin(), frames[f].pixels.end(), indices[f].begin());
  } else if (!exact_palette(frames, palette, indices)) {
    // More than 256 colours: median cut over all frames stacked (giflib's GifQuantizeBuffer, which works
    // on 5 bits per channel).
    const size_t total = n * frames.size();
    std::vector<GifByteType> r(total), g(total), b(total), out(total);
    for (size_t f = 0; f < frames.size(); ++f)
      for (size_t i = 0; i < n; ++i) {
        r[f * n + i] = frames[f].pixels[3 * i];
        g[f * n + i] = frames[f].pixels[3 * i + 1];
        b[f * n + i] = frames[f].pixels[3 * i + 2];
      }
    int size = 256;
    if (total > size_t(INT32_MAX) ||
        GifQuantizeBuffer(unsigned(w), unsigned(h * frames.size()), &size, r.data(), g.data(), b.data(), out.data(),
                          palette.data()) == GIF_ERROR)
      throw std::runtime_error("could not reduce the frames to a 256-colour palette");
    for (size_t f = 0; f < frames.size(); ++f) std::copy(out.begin() + f * n, out.begin() + (f + 1) * n, indices[f].begin());
  }
  int err = 0;
  // Opened here, not by giflib (which creates files readable by their owner alone): the umask decides.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error("could not create " + path + ": " + std::strerror(errno));
  GifFileType* gif = EGifOpenFileHandle(fd, &err);
  if (!gif) {
    ::close(fd);
    throw std::runtime_error("could not create " + path + ": " + GifErrorString(err));
  }
  auto fail = [&](const char* what) {
    const std::string why = GifErrorString(gif->Error);
    EGifCloseFile(gif, &err);
    throw std::runtime_error(std::string("could not write the GIF (") + what + "): " + why);
  };
  ColorMapObject* map = GifMakeMapObject(256, palette.data());
  EGifSetGifVersion(gif, true);
  if (EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_ERROR) {
    GifFreeMapObject(map);
    fail("screen");
  }
  GifFreeMapObject(map);
  // NETSCAPE2.0: loop for ever.
  const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
  const GifByteType loop[] = {1, 0, 0};
  if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock(gif, sizeof app, app) == GIF_ERROR ||
      EGifPutExtensionBlock(gif, sizeof loop, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif) == GIF_ERROR)
    fail("loop");
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.DelayTime = std::max(1, int(std::lround(100.0 / fps)));  // hundredths of a second
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  GifByteType ext[4];
  const size_t ext_len = EGifGCBToExtension(&gcb, ext);
  for (auto& frame : indices) {
    if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(ext_len), ext) == GIF_ERROR) fail("delay");
    if (EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_ERROR) fail("frame");
    for (int y = 0; y < h; ++y)
      if (EGifPutLine(gif, frame.data() + size_t(y) * w, w) == GIF_ERROR) fail("pixels");
  }
  if (EGifCloseFile(gif, &err) == GIF_ERROR) throw std::runtime_error(std::string("could not finish the GIF: ") + GifErrorString(err));
}
#endif

#ifdef GAN_HAVE_VIDEO
void write_mp4(const std::string& path, const std::vector<Image8>& frames, double fps) {
  const int w = frames[0].width, h = frames[0].height;
  cv::VideoWriter video(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, cv::Size(w, h), true);
  if (!video.isOpened()) throw std::runtime_error("OpenCV could not open an MP4 writer for " + path);
  for (const auto& f : frames) {
    cv::Mat rgb(h, w, CV_8UC3, const_cast<std::uint8_t*>(f.pixels.data())), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    video.write(bgr);
  }
  video.release();
  if (!std::filesystem::exists(path) || std::filesystem::file_size(path) == 0)
    throw std::runtime_error("OpenCV wrote no video to " + path);
}
#endif

}  // namespace

AnimationFormat animation_format(const std::string& path) {
  const std::string ext = lower_suffix(path);
  if (ext == ".gif") return AnimationFormat::Gif;
  if (ext == ".mp4") return AnimationFormat::Mp4;
  throw std::invalid_argument("an animation is written as .gif or .mp4, not '" + (ext.empty() ? path : ext) + "'");
}

bool can_write(AnimationFormat f) {
#ifdef GAN_HAVE_GIF
  if (f == AnimationFormat::Gif) return true;
#endif
#ifdef GAN_HAVE_VIDEO
  if (f == AnimationFormat::Mp4) return true;
#endif
  (void)f;
  return false;
}

void write_animation(const std::string& path, const std::vector<Image8>& frames, const AnimationOptions& o) {
  const AnimationFormat f = animation_format(path);
  if (!can_write(f))
    throw std::runtime_error(std::string("this build cannot write ") + (f == AnimationFormat::Gif ? "GIF (giflib)" : "MP4 (OpenCV's videoio)"));
  const auto ready = prepared(frames, o, /*even=*/f == AnimationFormat::Mp4, /*rgb=*/f == AnimationFormat::Mp4);
  atomically(path, [&](const std::string& tmp) {
#ifdef GAN_HAVE_GIF
    if (f == AnimationFormat::Gif) write_gif(tmp, ready, o.fps);
#endif
#ifdef GAN_HAVE_VIDEO
    if (f == AnimationFormat::Mp4) write_mp4(tmp, ready, o.fps);
#endif
  });
}

std::vector<Image8> read_gif_frames(const std::string& path) {
  std::vector<Image8> out;
#ifdef GAN_HAVE_GIF
  int err = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &err);
  if (!gif) throw std::runtime_error("could not open " + path + ": " + GifErrorString(err));
  if (DGifSlurp(gif) == GIF_ERROR) {
    const std::string why = GifErrorString(gif->Error);
    DGifCloseFile(gif, &err);
    throw std::runtime_error("could not read " + path + ": " + why);
  }
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& s = gif->SavedImages[i];
    const ColorMapObject* map = s.ImageDesc.ColorMap ? s.ImageDesc.ColorMap : gif->SColorMap;
    Image8 im;
    im.width = s.ImageDesc.Width;
    im.height = s.ImageDesc.Height;
    im.channels = 3;
    im.pixels.resize(size_t(im.width) * im.height * 3);
    for (size_t p = 0; p < size_t(im.width) * im.height; ++p) {
      const GifColorType c = map->Colors[s.RasterBits[p]];
      im.pixels[3 * p] = c.Red;
      im.pixels[3 * p + 1] = c.Green;
      im.pixels[3 * p + 2] = c.Blue;
    }
    out.push_back(std::move(im));
  }
  DGifCloseFile(gif, &err);
#else
  throw std::runtime_error("this build cannot read GIF (giflib): " + path);
#endif
  return out;
}

AnimationInfo read_animation_info(const std::string& path) {
  AnimationInfo info;
  if (animation_format(path) == AnimationFormat::Gif) {
    const auto frames = read_gif_frames(path);
    info.frames = int(frames.size());
    if (!frames.empty()) info.width = frames[0].width, info.height = frames[0].height;
    return info;
  }
#ifdef GAN_HAVE_VIDEO
  cv::VideoCapture cap(path, cv::CAP_FFMPEG);
  if (!cap.isOpened()) throw std::runtime_error("OpenCV could not open " + path);
  cv::Mat m;
  while (cap.read(m)) {
    ++info.frames;
    info.width = m.cols;
    info.height = m.rows;
  }
  return info;
#else
  throw std::runtime_error("this build cannot read MP4 (OpenCV's videoio): " + path);
#endif
}

}  // namespace gan
