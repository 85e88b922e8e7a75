#include "engine/explorer.h"

#include <chrono>

#include "engine/dataset.h"
#include "engine/threads.h"
#include "engine/translate_files.h"

namespace gan {

Image8 grid_image(const Samples& s) { return make_grid(s.images, s.columns); }

std::vector<Image8> frames_of(const Samples& s) {
  std::vector<Image8> out;
  for (int64_t i = 0; i < s.images.size(0); ++i) out.push_back(make_grid(s.images.slice(0, i, i + 1), 1, /*pad=*/0));
  return out;
}

RenderResult render_now(Snapshot& snapshot, const RenderRequest& r) {
  RenderResult out;
  out.panel = r.panel;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    if (r.kind == RenderRequest::Kind::Translate) {
      const TranslateReport report = translate_files(snapshot, r.resolution, r.channels, r.files, r.explore.values,
                                                     r.out_dir, r.progress, r.cancel.get());
      Output done;
      done.id = "written";
      done.kind = OutputKind::Text;
      done.text = "wrote " + std::to_string(report.written) + " translation(s) into " + r.out_dir;
      if (!report.failed.empty())
        done.text += "; " + std::to_string(report.failed.size()) + " could not be read or written (the first: " +
                     report.failed.front() + ")";
      out.outputs.push_back(std::move(done));
    } else if (r.kind == RenderRequest::Kind::Animation) {
      SampleRequest s;
      s.n = r.n;
      s.seed = r.seed;
      s.options = r.explore.values;
      const auto frames = frames_of(snapshot.sample(s));
      write_animation(r.animation_path, frames, r.animation);
      const AnimationInfo info = read_animation_info(r.animation_path);  // what was written, read back
      Output done;
      done.id = "written";
      done.kind = OutputKind::Text;
      done.text = "wrote " + r.animation_path + ": " + std::to_string(info.frames) + " frames of " +
                  std::to_string(info.width) + "x" + std::to_string(info.height);
      out.outputs.push_back(std::move(done));
    } else if (r.kind == RenderRequest::Kind::Samples) {
      SampleRequest s;
      s.n = r.n;
      s.seed = r.seed;
      s.options = r.explore.values;
      Samples samples = snapshot.sample(s);
      Output grid;
      grid.id = "grid";
      grid.image = grid_image(samples);
      out.outputs.push_back(std::move(grid));
      Output rows;
      rows.id = "rows";
      rows.kind = OutputKind::Text;
      for (const auto& l : samples.row_labels) rows.text += (rows.text.empty() ? "" : "\n") + l;
      out.outputs.push_back(std::move(rows));
      Output note;
      note.id = "note";
      note.kind = OutputKind::Text;
      note.text = samples.note;
      out.outputs.push_back(std::move(note));
    } else {
      ExploreResult e = snapshot.explore(r.explore);
      out.outputs = std::move(e.outputs);
      out.scalars = std::move(e.scalars);
    }
  } catch (const Cancelled&) {
    out.outputs.clear();
    out.error = "cancelled";
  } catch (const std::exception& e) {
    std::string why = e.what();
    out.outputs.clear();
    out.error = "rendering failed: " + why.substr(0, why.find('\n'));
  }
  out.render_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

Explorer::Explorer(Listener listener) : listener_(std::move(listener)), thread_([this] { run(); }) {}

Explorer::~Explorer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    abort_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t Explorer::request(const RenderRequest& r) {
  std::uint64_t stamp;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stamp = ++next_stamp_;
    pending_[r.panel] = {r, stamp};
    // Files are written once: never repeated for a newer generator.
    if (r.kind != RenderRequest::Kind::Animation && r.kind != RenderRequest::Kind::Translate) last_[r.panel] = r;
  }
  wake_.notify_one();
  return stamp;
}

void Explorer::set_snapshot(std::shared_ptr<Snapshot> s, long long step) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    snapshot_ = std::move(s);
    snapshot_step_ = step;
    for (const auto& [panel, r] : last_)
      if (!pending_.count(panel)) pending_[panel] = {r, ++next_stamp_};
  }
  wake_.notify_one();
}

void Explorer::clear_panels() {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.clear();
  last_.clear();
}

bool Explorer::has_snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return snapshot_ != nullptr;
}

void Explorer::run() {
  init_torch_thread(ThreadRole::Interactive);
  for (;;) {
    Pending job;
    std::shared_ptr<Snapshot> snapshot;
    long long step = -1;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return abort_ || (snapshot_ && !pending_.empty()); });
      if (abort_) return;
      // The waiting panel served longest ago goes first.
      auto pick = pending_.begin();
      for (auto it = pending_.begin(); it != pending_.end(); ++it)
        if (served_[it->first] < served_[pick->first]) pick = it;
      job = std::move(pick->second);
      served_[pick->first] = ++turn_;
      pending_.erase(pick);
      snapshot = snapshot_;
      step = snapshot_step_;
    }
    RenderResult result = render_now(*snapshot, job.request);
    result.stamp = job.stamp;
    result.generator_step = step;
    try {
      if (listener_) listener_(result);
    } catch (...) {  // a listener's failure must not end the render thread
    }
  }
}

}  // namespace gan
