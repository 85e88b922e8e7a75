// engine/: the session thread (start, pause, step, resume, stop, NaN), its files, and the renderer.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "engine/session.h"
#include "engine/sweep_job.h"
#include "tests/support/test_util.h"

using namespace gan;
using namespace std::chrono_literals;

namespace {

// Records what the session reports, from its thread.
struct Recorder : SessionListener {
  std::mutex m;
  std::vector<std::pair<SessionState, std::string>> states;
  std::vector<Message> messages;
  void on_message(const Message& msg) override {
    std::lock_guard<std::mutex> l(m);
    messages.push_back(msg);
  }
  // The last message containing `text`, or a default one (Info, empty).
  Message message_with(const std::string& text) {
    std::lock_guard<std::mutex> l(m);
    for (auto it = messages.rbegin(); it != messages.rend(); ++it)
      if (it->text.find(text) != std::string::npos) return *it;
    return {};
  }
  std::vector<StepStats> stats;
  std::vector<RunInfo> runs;
  void on_state(SessionState s, const std::string& msg) override {
    std::lock_guard<std::mutex> l(m);
    states.emplace_back(s, msg);
  }
  void on_stats(const StepStats& s) override {
    std::lock_guard<std::mutex> l(m);
    stats.push_back(s);
  }
  void on_run(const RunInfo& r) override {
    std::lock_guard<std::mutex> l(m);
    runs.push_back(r);
  }
  size_t count() {
    std::lock_guard<std::mutex> l(m);
    return stats.size();
  }
  std::string last_message() {
    std::lock_guard<std::mutex> l(m);
    return states.empty() ? "" : states.back().second;
  }
};

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds limit = 20000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return cond();
}

// A DCGAN whose losses turn NaN from step 3 on, to test what the session does with a diverged run.
class NanAfter : public Family {
 public:
  NanAfter(const FamilyInfo& info, std::unique_ptr<Family> inner) : Family(info), inner_(std::move(inner)) {}
  Scalars train_step(Streams& streams, torch::Generator& g) override {
    auto s = inner_->train_step(streams, g);
    if (++steps_ >= 3) s[0].second = std::nan("");
    return s;
  }
  std::shared_ptr<Snapshot> snapshot() const override { return inner_->snapshot(); }
  int resolution() const override { return inner_->resolution(); }
  int image_channels() const override { return inner_->image_channels(); }
  long long parameter_count() const override { return inner_->parameter_count(); }
  void save(torch::serialize::OutputArchive& a) const override { inner_->save(a); }
  void load(torch::serialize::InputArchive& a) override { inner_->load(a); }

 private:
  std::unique_ptr<Family> inner_;
  int steps_ = 0;
};

Registry registry_with_nan_family() {
  Registry r = Registry::builtin();
  FamilyInfo f = r.at("dcgan");
  f.id = "nan-dcgan";
  f.name = "DCGAN that diverges";
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    const FamilyInfo dc = Registry::builtin().at("dcgan");  // a copy: builtin() is a temporary
    return std::make_unique<NanAfter>(info, dc.create(dc, s));
  };
  r.add(f);
  return r;
}

// A snapshot that takes its time, to see requests coalesce; it answers with the request's "value".
struct SlowSnapshot : Snapshot {
  std::atomic<int> calls{0};
  Samples sample(const SampleRequest& r) override {
    ++calls;
    std::this_thread::sleep_for(30ms);
    return {torch::zeros({r.n, 1, 8, 8}, torch::kUInt8), 4, {}};
  }
  ExploreResult explore(const ExploreRequest& r) override {
    ++calls;
    std::this_thread::sleep_for(30ms);
    ExploreResult out;
    Output o;
    o.id = "value";
    o.kind = OutputKind::Text;
    o.text = r.view + ":" + r.values.text("value");
    out.outputs.push_back(o);
    return out;
  }
};

RenderRequest explore_request(const std::string& panel, int value) {
  RenderRequest r;
  r.panel = panel;
  r.explore.view = panel;
  r.explore.values.set("value", std::to_string(value));
  return r;
}

}  // namespace

class TestSession : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }
  std::string data_;

 private slots:
  void initTestCase() {
    data_ = testutil::write_tiny_idx(dir(), 40);
    qputenv("GAN_EXPLORER_CACHE", QByteArray::fromStdString(dir() + "/cache"));
  }

  // Stop while an image folder is read cancels the reading: no run starts, the user is told, and the
  // next start reads the folder (and caches it), the one after reads the cache; both say so.
  void stopWhileReadingAFolderCancelsIt() {
    const std::string folder = dir() + "/pgm";
    std::filesystem::create_directories(folder);
    for (int i = 0; i < 60; ++i) {  // binary PGMs, written by hand
      std::ofstream f(folder + "/" + std::to_string(100 + i) + ".pgm", std::ios::binary);
      f << "P5 20 20 255\n" << std::string(400, static_cast<char>(i * 4));
    }
    struct StopOnProgress : Recorder {
      TrainingSession* session = nullptr;
      std::atomic<int> progress{0};
      std::atomic<bool> stop_once{true};
      std::string what;
      long long total = 0;
      void on_progress(const std::string& w, long long, long long t) override {
        {
          std::lock_guard<std::mutex> l(m);
          what = w;
          total = t;
        }
        if (progress++ == 0 && stop_once) session->stop();
      }
    } rec;
    TrainingSession session(Registry::builtin(), rec);
    rec.session = &session;
    StartRequest req;
    req.config = testutil::tiny_config(folder, dir() + "/pgm-run", 3);
    QVERIFY(session.start(req));
    QVERIFY(wait_for([&] { return !session.busy(); }));
    QCOMPARE(session.state(), SessionState::Idle);
    QVERIFY2(rec.last_message().find("cancelled") != std::string::npos, rec.last_message().c_str());
    QVERIFY(!rec.message_with("stopped while the data were read").text.empty());
    QVERIFY(rec.runs.empty());
    QVERIFY(!std::filesystem::exists(dir() + "/pgm-run/checkpoint.pt"));

    rec.stop_once = false;
    for (const char* expect : {"files decoded", "read from the cache"}) {
      QVERIFY(session.start(req));
      QVERIFY(wait_for([&] { return !session.busy(); }));
      QCOMPARE(session.state(), SessionState::Finished);
      const Message m = rec.message_with(expect);
      QVERIFY2(m.severity == Severity::Info && m.text.find(folder) != std::string::npos, expect);
    }
    QVERIFY(!rec.message_with("60 files decoded").text.empty());
    QCOMPARE(rec.what, std::string("reading images"));
    QCOMPARE(rec.total, 60LL);
  }

  void startPauseStepResumeStop() {
    Recorder rec;
    const std::string out = dir() + "/run1";
    {
      TrainingSession session(Registry::builtin(), rec);
      StartRequest req{testutil::tiny_config(data_, out, 100000), "", false};
      QVERIFY(session.start(req));
      QVERIFY(!session.start(req));  // one run at a time
      QVERIFY(wait_for([&] { return rec.count() >= 3; }));
      session.pause();
      QVERIFY(wait_for([&] { return session.state() == SessionState::Paused; }));
      const size_t paused_at = rec.count();
      std::this_thread::sleep_for(150ms);
      QCOMPARE(rec.count(), paused_at);  // no step while paused
      session.step();
      QVERIFY(wait_for([&] { return rec.count() == paused_at + 1 && session.state() == SessionState::Paused; }));
      std::this_thread::sleep_for(100ms);
      QCOMPARE(rec.count(), paused_at + 1);  // exactly one
      session.resume();
      QVERIFY(wait_for([&] { return rec.count() >= paused_at + 5; }));
      session.stop();
      session.wait();
      QCOMPARE(session.state(), SessionState::Finished);
    }
    // Steps are numbered without gaps, and the stop saved a checkpoint with the last step.
    for (size_t i = 0; i < rec.stats.size(); ++i) QCOMPARE(rec.stats[i].step, static_cast<long long>(i + 1));
    QVERIFY(QString::fromStdString(rec.last_message()).contains("saved to"));
    Checkpoint ck = read_checkpoint(out + "/checkpoint.pt", Registry::builtin());
    QCOMPARE(ck.step, static_cast<long long>(rec.stats.size()));
    const std::string log = testutil::read_text(out + "/log.jsonl");
    QVERIFY(log.find("\"event\":\"start\"") != std::string::npos);
    QVERIFY(log.find("\"event\":\"stopped\"") != std::string::npos);
    QVERIFY(log.find("\"loss_d\"") != std::string::npos);
    QVERIFY(testutil::file_exists(out + "/samples/step_0000005.png"));
    QCOMPARE(rec.runs.size(), size_t(1));
    QCOMPARE(rec.runs[0].caps.series.size(), size_t(4));  // the capabilities arrive whole
    QCOMPARE(rec.runs[0].caps.views.front().id, std::string("latent"));
    QCOMPARE(rec.runs[0].streams.size(), size_t(1));
    QVERIFY(QString::fromStdString(rec.runs[0].streams[0].data).contains("tiny"));
    QCOMPARE(rec.message_with("stopped at step").severity, Severity::Info);
  }

  void runsToTheEndAndResumes() {
    Recorder rec;
    const std::string out = dir() + "/run2";
    TrainingSession session(Registry::builtin(), rec);
    QVERIFY(session.start({testutil::tiny_config(data_, out, 6), "", false}));
    QVERIFY(wait_for([&] { return session.state() == SessionState::Finished && !session.busy(); }));
    QCOMPARE(rec.count(), size_t(6));
    // Continue the same run to step 9 from its checkpoint.
    StartRequest more;
    more.config.steps = 9;
    // No data given: the data the checkpoint names.
    more.config.sample_every = 1;  // overrides the checkpoint's 5
    more.resume_from = out + "/checkpoint.pt";
    QVERIFY(session.start(more));
    QVERIFY(wait_for([&] { return rec.count() == 9 && !session.busy(); }));
    QCOMPARE(rec.stats.back().step, 9LL);
    QCOMPARE(read_checkpoint(out + "/checkpoint.pt", Registry::builtin()).step, 9LL);
    QVERIFY(testutil::file_exists(out + "/samples/step_0000007.png"));
    QVERIFY(!testutil::file_exists(out + "/samples/step_0000004.png"));
  }

  void nanLossPausesAndKeepsTheSavedCheckpoint() {
    Recorder rec;
    const std::string out = dir() + "/nan";
    auto config = testutil::tiny_config(data_, out, 100);
    config.model = "nan-dcgan";
    config.checkpoint_every = 2;
    TrainingSession session(registry_with_nan_family(), rec);
    QVERIFY(session.start({config, "", false}));
    const bool paused = wait_for([&] {
      return session.state() == SessionState::Paused && rec.last_message().find("NaN") != std::string::npos;
    });
    if (!paused)
      for (const auto& [st, m] : rec.states) qWarning("state %s: %s", to_string(st), m.c_str());
    QVERIFY(paused);
    const std::string msg = rec.last_message();
    QVERIFY2(msg.find("loss_d became NaN at step 3") != std::string::npos, msg.c_str());
    QVERIFY(msg.find("Training paused") != std::string::npos);
    const Message warned = rec.message_with("became NaN");
    QCOMPARE(warned.severity, Severity::Warning);  // a severity, not text to search
    QVERIFY(warned.diverged);
    const std::string before = testutil::read_text(out + "/checkpoint.pt");
    QVERIFY(!before.empty());
    session.stop();
    session.wait();
    QCOMPARE(testutil::read_text(out + "/checkpoint.pt"), before);  // not overwritten by NaN weights
    QCOMPARE(read_checkpoint(out + "/checkpoint.pt", registry_with_nan_family()).step, 2LL);
  }

  // What a resumed run may change: learning rates and intervals are applied and listed; what shapes the
  // networks is refused, naming it; a step total at or below the current step is explained.
  void resumeAppliesWhatMayChangeAndRefusesTheRest() {
    const Registry registry = Registry::builtin();
    const TrainConfig saved = validate(testutil::tiny_config(data_, dir() + "/rules", 10), registry);
    auto resume_with = [&](const std::function<void(StartRequest&)>& edit, std::vector<std::string>& changes) {
      StartRequest r = StartRequest::continuing("x");
      edit(r);
      return resumed_config(saved, 6, r, registry, changes);
    };
    std::vector<std::string> changes;
    const TrainConfig c = resume_with(
        [](StartRequest& r) {
          r.config.params.set("lr_g", "1e-4");
          r.config.params.set("lr_d", "0.0002");  // the same value, written otherwise: no change
          r.config.params.set("ngf", "8");        // the same: allowed
          r.config.steps = 20;
          r.config.sample_every = 3;
        },
        changes);
    QCOMPARE(c.params.text("lr_g"), std::string("0.0001"));
    QCOMPARE(c.steps, 20LL);
    QCOMPARE(c.sample_every, 3LL);
    std::string all;
    for (const auto& line : changes) all += line + "; ";
    QCOMPARE(QString::fromStdString(all), QString("steps 10 -> 20; sample_every 5 -> 3; lr_g 0.0002 -> 1e-4; "));

    auto refusal = [&](const std::function<void(StartRequest&)>& edit) {
      std::vector<std::string> ignored;
      return testutil::error_of([&] { resume_with(edit, ignored); });
    };
    const QString widths = refusal([](StartRequest& r) {
      r.config.params.set("ngf", "16");
      r.config.params.set("latent_dim", "32");
    });
    QVERIFY2(widths.contains("G width (ngf) cannot change when a run resumes: it is 8 in the checkpoint") &&
                 widths.contains("Latent size (latent_dim) cannot change"),
             qPrintable(widths));
    QVERIFY(refusal([](StartRequest& r) { r.config.steps = 6; }).contains("the run is at step 6: the step total must be above it"));
    QVERIFY(refusal([](StartRequest& r) { r.config.params.set("lr_g", "-1"); }).contains("G learning rate"));
    QVERIFY(refusal([](StartRequest& r) { r.config.params.set("no_such", "1"); }).contains("unknown hyper-parameter 'no_such'"));
    QVERIFY(refusal([](StartRequest& r) { r.config.log_every = -1; }).contains("log_every must be at least 1"));
    std::vector<std::string> none;
    QVERIFY(testutil::error_of([&] {
              StartRequest r = StartRequest::continuing("x");
              resumed_config(saved, 10, r, registry, none);
            }).contains("the run already reached its 10 steps: give a larger step total"));
  }

  // Resuming with a lower learning rate (the NaN message's advice) changes the optimizers, and the log
  // says so.
  void resumingWithANewLearningRateReachesTheOptimizers() {
    Recorder rec;
    const std::string out = dir() + "/relr";
    TrainingSession session(Registry::builtin(), rec);
    QVERIFY(session.start({testutil::tiny_config(data_, out, 3), "", false}));
    QVERIFY(wait_for([&] { return session.state() == SessionState::Finished && !session.busy(); }));
    StartRequest more = StartRequest::continuing(out + "/checkpoint.pt");
    more.config.steps = 5;
    more.config.params.set("lr_d", "5e-5");
    QVERIFY(session.start(more));
    QVERIFY(wait_for([&] { return session.state() == SessionState::Finished && !session.busy(); }));
    QVERIFY(rec.message_with("with changes:").text.find("lr_d 0.0002 -> 5e-5") != std::string::npos);
    const std::string log = testutil::read_text(out + "/log.jsonl");
    QVERIFY2(log.find("\"event\":\"resume-change\"") != std::string::npos && log.find("lr_d 0.0002 -> 5e-5") != std::string::npos,
             log.c_str());
    Checkpoint ck = read_checkpoint(out + "/checkpoint.pt", Registry::builtin());
    QCOMPARE(ck.step, 5LL);
    QCOMPARE(ck.config.params.text("lr_d"), std::string("5e-05"));
    auto& opt = ck.family->player("D")->optimizer();
    QCOMPARE(static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options()).lr(), 5e-5);
    auto& g_opt = ck.family->player("G")->optimizer();
    QCOMPARE(static_cast<torch::optim::AdamOptions&>(g_opt.param_groups()[0].options()).lr(), 2e-4);
    // A refused change fails the start with the reason, and the checkpoint is untouched.
    StartRequest wider = more;
    wider.config.steps = 8;
    wider.config.params.set("ndf", "16");
    const std::string before = testutil::read_text(out + "/checkpoint.pt");
    QVERIFY(session.start(wider));
    QVERIFY(wait_for([&] { return session.state() == SessionState::Failed && !session.busy(); }));
    QVERIFY2(rec.last_message().find("D width (ndf) cannot change") != std::string::npos, rec.last_message().c_str());
    QCOMPARE(testutil::read_text(out + "/checkpoint.pt"), before);
  }

  // A full disk at a periodic save pauses the run, says why and keeps the last checkpoint; the run stays
  // open (the GUI's way) until the space is back, then stops with a save. Without keep_unsaved_run (the
  // CLI's way) it ends as failed, the checkpoint on disk kept. Needs root for a small tmpfs.
  void fullDiskPausesTheRunAndKeepsTheLastCheckpoint() {
    testutil::SmallDisk disk(dir(), "4m");
    if (!disk.ok()) QSKIP(disk.why().c_str());
    for (const bool keep : {true, false}) {
      Recorder rec;
      const std::string out = disk.path() + (keep ? "/gui" : "/cli");
      auto config = testutil::tiny_config(data_, out, 100);
      config.checkpoint_every = 2;
      config.sample_every = 1000;
      StartRequest req{config, "", true};
      req.keep_unsaved_run = keep;
      TrainingSession session(Registry::builtin(), rec);
      QVERIFY(session.start(req));
      session.step(2);
      QVERIFY(wait_for([&] { return rec.count() == 2 && session.state() == SessionState::Paused; }));
      QCOMPARE(read_checkpoint(out + "/checkpoint.pt", Registry::builtin()).step, 2LL);
      disk.fill(0);
      session.step(2);
      QVERIFY(wait_for([&] { return rec.count() == 4 && session.state() == SessionState::Paused; }));
      const Message failed = rec.message_with("could not save the checkpoint at step 4");
      QVERIFY2(failed.save_failed && failed.severity == Severity::Error, failed.text.c_str());
      QVERIFY(failed.text.find("No space left on device (the disk is full); the checkpoint on disk (step 2) is kept") !=
              std::string::npos);
      QVERIFY(rec.last_message().find("the checkpoint could not be saved") != std::string::npos);
      session.stop();
      if (keep) {
        QVERIFY(wait_for([&] { return rec.last_message().find("stopped at step 4, but the checkpoint could not be saved: free some space") != std::string::npos; }));
        QVERIFY(session.busy());  // still open, in memory
        disk.free_filler();
        session.stop();
        session.wait();
        QCOMPARE(session.state(), SessionState::Finished);
        QCOMPARE(read_checkpoint(out + "/checkpoint.pt", Registry::builtin()).step, 4LL);
      } else {
        session.wait();
        QCOMPARE(session.state(), SessionState::Failed);
        QVERIFY2(rec.last_message().find("the checkpoint on disk is from step 2") != std::string::npos, rec.last_message().c_str());
        QCOMPARE(read_checkpoint(out + "/checkpoint.pt", Registry::builtin()).step, 2LL);
        disk.free_filler();
      }
      for (const auto& e : std::filesystem::directory_iterator(out))
        QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
    }
  }

  void badSettingsFailWithAMessage() {
    Recorder rec;
    auto config = testutil::tiny_config(data_, dir() + "/bad", 10);
    config.params.set("lr_g", "-0.1");
    TrainingSession session(Registry::builtin(), rec);
    QVERIFY(session.start({config, "", false}));
    QVERIFY(wait_for([&] { return session.state() == SessionState::Failed; }));
    QVERIFY(QString::fromStdString(rec.last_message()).contains("G learning rate"));
    QCOMPARE(rec.message_with("G learning rate").severity, Severity::Error);
    // Missing data: also a message, and the session can start again afterwards.
    auto missing = testutil::tiny_config(dir() + "/no-such-file", dir() + "/bad2", 10);
    QVERIFY(wait_for([&] { return !session.busy(); }));
    QVERIFY(session.start({missing, "", false}));
    QVERIFY(wait_for([&] { return session.state() == SessionState::Failed && !session.busy(); }));
    QVERIFY(QString::fromStdString(rec.last_message()).contains("not found"));
    QCOMPARE(rec.count(), size_t(0));
  }

  void openCheckpointFeedsTheExplorerWithoutData() {
    Recorder rec;
    std::mutex m;
    std::vector<RenderResult> results;
    Explorer explorer([&](const RenderResult& r) {
      std::lock_guard<std::mutex> l(m);
      results.push_back(r);
    });
    TrainingSession session(Registry::builtin(), rec, &explorer);
    QVERIFY(session.open_checkpoint(dir() + "/run2/checkpoint.pt"));
    QVERIFY(wait_for([&] { return explorer.has_snapshot() && !session.busy(); }));
    QCOMPARE(rec.runs.size(), size_t(1));
    QVERIFY(!rec.runs[0].trainable);
    QCOMPARE(rec.runs[0].step, 9LL);
    QVERIFY(!rec.runs[0].history.empty());
    RenderRequest r;
    r.panel = "grid";
    r.kind = RenderRequest::Kind::Samples;
    r.n = 9;
    const auto stamp = explorer.request(r);
    QVERIFY(wait_for([&] {
      std::lock_guard<std::mutex> l(m);
      return !results.empty() && results.back().stamp == stamp;
    }));
    std::lock_guard<std::mutex> l(m);
    QVERIFY(results.back().error.empty());
    QCOMPARE(results.back().outputs.at(0).image.width, 3 * 16 + 4 * 2);  // 3 x 3 tiles of 16 px, 2 px padding
    QCOMPARE(results.back().generator_step, 9LL);
  }

  void renderRequestsCoalesceLatestWins() {
    std::mutex m;
    std::vector<RenderResult> results;
    Explorer explorer([&](const RenderResult& r) {
      std::lock_guard<std::mutex> l(m);
      results.push_back(r);
    });
    auto slow = std::make_shared<SlowSnapshot>();
    explorer.set_snapshot(slow, 1);
    std::uint64_t last = 0;
    for (int i = 0; i < 60; ++i) {
      last = explorer.request(explore_request("latent", i));
      std::this_thread::sleep_for(1ms);
    }
    QVERIFY(wait_for([&] {
      std::lock_guard<std::mutex> l(m);
      return !results.empty() && results.back().stamp == last;
    }));
    std::this_thread::sleep_for(100ms);
    std::lock_guard<std::mutex> l(m);
    QVERIFY2(results.size() < 20, qPrintable(QString("%1 renders for 60 requests").arg(results.size())));
    QCOMPARE(results.back().stamp, last);
    QCOMPARE(results.back().outputs.at(0).text, std::string("latent:59"));  // the latest request's answer
    for (size_t i = 1; i < results.size(); ++i) QVERIFY(results[i].stamp > results[i - 1].stamp);
  }

  // More than two panels in flight: each one's latest request wins, none starves the others, and a
  // panel's results arrive in the order of its requests (older ones are never rendered after newer).
  void manyPanelsEachKeepTheirLatestRequest() {
    std::mutex m;
    std::map<std::string, std::vector<RenderResult>> by_panel;
    Explorer explorer([&](const RenderResult& r) {
      std::lock_guard<std::mutex> l(m);
      by_panel[r.panel].push_back(r);
    });
    auto slow = std::make_shared<SlowSnapshot>();
    explorer.set_snapshot(slow, 1);
    const std::vector<std::string> panels = {"grid", "latent", "translate", "styles"};
    std::map<std::string, std::uint64_t> last;
    for (int i = 0; i < 40; ++i) {
      for (const auto& p : panels) last[p] = explorer.request(explore_request(p, i));
      std::this_thread::sleep_for(2ms);
    }
    QVERIFY(wait_for([&] {
      std::lock_guard<std::mutex> l(m);
      for (const auto& p : panels)
        if (by_panel[p].empty() || by_panel[p].back().stamp != last[p]) return false;
      return true;
    }));
    std::lock_guard<std::mutex> l(m);
    size_t renders = 0;
    for (const auto& p : panels) {
      const auto& rs = by_panel[p];
      renders += rs.size();
      QCOMPARE(rs.back().outputs.at(0).text, p + ":39");
      for (size_t i = 1; i < rs.size(); ++i) QVERIFY(rs[i].stamp > rs[i - 1].stamp);
    }
    QVERIFY2(renders < 80, qPrintable(QString("%1 renders for 160 requests").arg(renders)));
    // A panel cleared away (another family's) is not rendered again with a new snapshot.
    explorer.clear_panels();
    const int calls = slow->calls.load();
    explorer.set_snapshot(slow, 2);
    std::this_thread::sleep_for(100ms);
    QCOMPARE(slow->calls.load(), calls);
  }

  // The fidelity-diversity sweep on a thread of its own, from a frozen copy of a live run made between
  // its steps: a point per value, the same number of samples each, and the JSON the CLI writes. Cancelled
  // once started, it measures nothing. With no run live there is no copy to make.
  void sweepJobMeasuresALiveRunAndCancels() {
    Recorder rec;
    TrainingSession session(Registry::builtin(), rec);
    QVERIFY(!session.request_frozen([](Frozen) {}));  // nothing live
    StartRequest req{testutil::tiny_config(data_, dir() + "/sweep-run", 100000), "", false};
    QVERIFY(session.start(req));
    QVERIFY(wait_for([&] { return rec.count() >= 3; }));
    struct Outcome {
      std::mutex m;
      std::vector<SweepPoint> points;
      std::vector<std::string> said;
      std::string error, json;
      std::atomic<bool> done{false};
    };
    auto run = [&](Outcome& out, const std::string& values, bool cancel_at_start) {
      SweepJobSpec spec;
      spec.open = [&session] {
        auto promise = std::make_shared<std::promise<Frozen>>();
        auto future = promise->get_future();
        if (!session.request_frozen([promise](Frozen f) { promise->set_value(std::move(f)); }))
          throw std::runtime_error("no run is live");
        return future.get();
      };
      spec.values = values;
      spec.n = 20;
      spec.reference = parse_dataset(data_);
      std::unique_ptr<SweepJob> job;
      std::atomic<bool> ready{false};
      SweepJobCallbacks cb;
      cb.started = [&](const Sweep&) {
        while (!ready) std::this_thread::yield();
        if (cancel_at_start) job->cancel();
      };
      cb.progress = [&](const std::string& m) {
        std::lock_guard<std::mutex> l(out.m);
        out.said.push_back(m);
      };
      cb.point = [&](const SweepPoint& p) {
        std::lock_guard<std::mutex> l(out.m);
        out.points.push_back(p);
      };
      cb.done = [&](const std::string& e, const std::string& j) {
        std::lock_guard<std::mutex> l(out.m);
        out.error = e;
        out.json = j;
        out.done = true;
      };
      job = std::make_unique<SweepJob>(spec, cb);
      ready = true;
      QVERIFY(wait_for([&] { return out.done.load(); }, 180000ms));  // the classifier is trained the first time
      job.reset();
    };
    Outcome done;
    run(done, "off,0.5", false);
    QCOMPARE(done.error, std::string());
    QCOMPARE(done.points.size(), size_t(2));
    QCOMPARE(done.points[0].value, std::string("off"));
    QCOMPARE(done.points[1].value, std::string("0.5"));
    QCOMPARE(done.points[1].point.n_fake, 20LL);
    QVERIFY(done.points[0].point.step >= 3);  // the run's step when it was copied
    QVERIFY(std::isfinite(done.points[0].point.fid) && std::isfinite(done.points[1].point.is_mean));
    const auto j = nlohmann::json::parse(done.json);
    QCOMPARE(j["option"].get<std::string>(), std::string("truncation"));
    QCOMPARE(j["points"].size(), size_t(2));
    QCOMPARE(j["step"].get<long long>(), done.points[0].point.step);
    QVERIFY(std::find(done.said.begin(), done.said.end(), "Truncation 0.5: 20 samples") != done.said.end());
    Outcome cancelled;
    run(cancelled, "off,1,0.5", true);
    QCOMPARE(cancelled.error, std::string("cancelled"));
    QVERIFY(cancelled.points.empty());
    QCOMPARE(nlohmann::json::parse(cancelled.json)["points"].size(), size_t(0));
    Outcome bad;
    run(bad, "off,0.01", false);  // below the threshold's minimum: refused with the reason, nothing measured
    QVERIFY2(bad.error.find("0.05") != std::string::npos, bad.error.c_str());
    session.stop();
    session.wait();
    QVERIFY(!session.request_frozen([](Frozen) {}));  // the run has ended
  }

  void aNewGeneratorRerendersTheLatestRequest() {
    std::mutex m;
    std::vector<RenderResult> results;
    Explorer explorer([&](const RenderResult& r) {
      std::lock_guard<std::mutex> l(m);
      results.push_back(r);
    });
    explorer.request(explore_request("latent", 1));  // no snapshot yet: waits
    std::this_thread::sleep_for(50ms);
    QVERIFY(results.empty());
    explorer.set_snapshot(std::make_shared<SlowSnapshot>(), 4);
    explorer.set_snapshot(std::make_shared<SlowSnapshot>(), 8);
    QVERIFY(wait_for([&] {
      std::lock_guard<std::mutex> l(m);
      return !results.empty() && results.back().generator_step == 8;
    }));
  }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
