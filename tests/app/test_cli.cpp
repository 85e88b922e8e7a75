// app/: the command line, run in-process as a user would type it.
#include <QtTest>

#include "engine/animation.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/cli.h"
#include "engine/export.h"
#include "engine/sweep.h"
#include <torch/script.h>
#include "engine/trainer.h"
#include "models/families/image_gan.h"
#include "tests/support/test_util.h"

class TestCli : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }
  std::string data_;

  // Runs the CLI, capturing stdout and stderr.
  static int cli(const std::vector<std::string>& args, std::string* out = nullptr, std::string* err = nullptr) {
    std::stringstream o, e;
    auto* old_out = std::cout.rdbuf(o.rdbuf());
    auto* old_err = std::cerr.rdbuf(e.rdbuf());
    const int rc = gan::run_cli(args);
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    if (out) *out = o.str();
    if (err) *err = e.str();
    return rc;
  }
  std::vector<std::string> tiny_train(const std::string& out, const std::string& steps) const {
    return {"train", "--model", "dcgan", "--data", data_, "--steps", steps, "--out", out, "--batch", "8",
            "--resolution", "16", "--ngf", "8", "--ndf", "8", "--latent_dim", "8", "--seed", "3", "--sample-every", "2", "--log-every", "1"};
  }

 private slots:
  void initTestCase() {
    data_ = testutil::write_tiny_idx(dir(), 24);
    qputenv("GAN_EXPLORER_CACHE", QByteArray::fromStdString(dir() + "/cache"));
  }

  // `gan-explorer COMMAND --help` prints the usage, as `help` does, instead of "--help needs a value".
  void helpAfterACommandPrintsTheUsage() {
    for (const char* cmd : {"train", "bench", "sample"}) {
      std::string out, err;
      QCOMPARE(cli({cmd, "--help"}, &out, &err), 0);
      QVERIFY2(out.find("bench [--steps N]") != std::string::npos && err.empty(), cmd);
    }
  }

  void metricsDuringTrainingAndOnACheckpoint() {
    const std::string out = dir() + "/metrics-run";
    std::string err, so;
    auto args = tiny_train(out, "4");
    for (const char* extra : {"--metrics-every", "2", "--metrics-samples", "20"}) args.push_back(extra);
    QCOMPARE(cli(args, nullptr, &err), 0);
    QVERIFY2(err.find("step 4: FID ") != std::string::npos, err.c_str());
    QVERIFY2(err.find("metrics: metric classifier trained") != std::string::npos, err.c_str());

    QCOMPARE(cli({"metrics", "--checkpoint", out + "/checkpoint.pt", "--n", "30"}, &so, &err), 0);
    QVERIFY2(so.find("at step 4:") != std::string::npos, so.c_str());
    QVERIFY(so.find("extractor: classifier cnn28-v1") != std::string::npos);
    QVERIFY(so.find("not comparable with Inception FID") != std::string::npos);
    QVERIFY(so.find("(24 real), 30 generated") != std::string::npos);
    QVERIFY(so.find("warning:   N=30 is below the feature dimension 128") != std::string::npos);
    QCOMPARE(cli({"metrics", "--checkpoint", out + "/checkpoint.pt", "--n", "30", "--json"}, &so, &err), 0);
    auto j = nlohmann::json::parse(so);
    QCOMPARE(j["n_fake"].get<long long>(), 30LL);
    QVERIFY(j["fid"].is_number() && j["kid_mean"].is_number() && j["is_mean"].is_number());
    // Bad input: a missing Inception file, too few samples.
    QCOMPARE(cli({"metrics", "--checkpoint", out + "/checkpoint.pt", "--inception", dir() + "/none.pt"}, &so, &err), 1);
    QVERIFY2(err.find("never downloads it") != std::string::npos, err.c_str());
    QCOMPARE(cli({"metrics", "--checkpoint", out + "/checkpoint.pt", "--n", "5"}, &so, &err), 2);

    QCOMPARE(cli({"classifier", "train", "--data", data_, "--epochs", "1"}, &so, &err), 0);
    QVERIFY2(so.find("cached: ") == 0 && so.find("test accuracy") != std::string::npos, so.c_str());
    QCOMPARE(cli({"classifier", "fit"}, &so, &err), 2);
  }

  // `sample --sweep` and `metrics --sweep`: a row, or a metric point, per value of the family's truncation.
  void truncationSweepsOfStyleGanAndBigGan() {
    const std::string sg = dir() + "/sweep-stylegan", bg = dir() + "/sweep-biggan";
    std::string so, err;
    for (const auto& [model, out] : {std::pair{"stylegan", sg}, {"biggan", bg}}) {
      std::vector<std::string> args = {"train", "--model", model, "--data", data_, "--steps", "2", "--out", out,
                                       "--batch", "8", "--resolution", "16", "--ngf", "4", "--ndf", "4",
                                       "--latent_dim", "12", "--log-every", "1"};
      if (std::string(model) == "biggan") args.insert(args.end(), {"--attention_res", "8"});
      QCOMPARE(cli(args, &so, &err), 0);
    }
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--n", "3", "--sweep", "1,0.5,0", "--out",
                  dir() + "/sweep.png"}, &so, &err), 0);
    QVERIFY2(so.find("9 samples") != std::string::npos, so.c_str());
    QVERIFY2(so.find("rows: Truncation psi 1, Truncation psi 0.5, Truncation psi 0") != std::string::npos, so.c_str());
    QVERIFY(testutil::file_exists(dir() + "/sweep.png"));
    QCOMPARE(cli({"sample", "--checkpoint", bg + "/checkpoint.pt", "--n", "2", "--sweep", "default", "--class", "1",
                  "--out", dir() + "/sweep-bg.png"}, &so, &err), 0);
    QVERIFY2(so.find("rows: Truncation off, Truncation 2, ") != std::string::npos, so.c_str());
    // A row per class for each value when the family lays out a row per class.
    QCOMPARE(cli({"sample", "--checkpoint", bg + "/checkpoint.pt", "--n", "2", "--sweep", "off,0.5", "--class", "all",
                  "--out", dir() + "/sweep-classes.png"}, &so, &err), 0);
    QVERIFY2(so.find("rows: Truncation off: ") != std::string::npos, so.c_str());
    QVERIFY2(so.find(", Truncation 0.5: ") != std::string::npos, so.c_str());
    QVERIFY2(so.find(" (20x") != std::string::npos, so.c_str());  // one column: 2 samples over 4 classes
    // Bad sweeps: the option twice, a value out of range, one value, a family with no truncation.
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--sweep", "1,0", "--psi", "0.5", "--out",
                  dir() + "/x.png"}, &so, &err), 2);
    QVERIFY2(err.find("--sweep sets --psi") != std::string::npos, err.c_str());
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--sweep", "5,1", "--out", dir() + "/x.png"}, &so, &err), 2);
    QVERIFY2(err.find("must be a number from 0 to 1.5, not '5'") != std::string::npos, err.c_str());
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--sweep", "1", "--out", dir() + "/x.png"}, &so, &err), 2);
    QVERIFY2(err.find("at least two values") != std::string::npos, err.c_str());
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--sweep", "off,1", "--out", dir() + "/x.png"}, &so, &err), 2);
    QVERIFY2(err.find("cannot be switched off") != std::string::npos, err.c_str());
    // Any sample option: rows of style mixing from a second seed, by layer range.
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--n", "2", "--mix-seed", "5", "--sweep",
                  "mix_layers=0:3,4:5", "--out", dir() + "/mix.png"}, &so, &err), 0);
    QVERIFY2(so.find("rows: Mixed layers 0:3, Mixed layers 4:5") != std::string::npos, so.c_str());
    QCOMPARE(cli({"sample", "--checkpoint", sg + "/checkpoint.pt", "--sweep", "colour=1,2", "--out", dir() + "/x.png"}, &so, &err), 2);
    QVERIFY2(err.find("StyleGAN has no sample option 'colour'") != std::string::npos, err.c_str());
    const gan::Registry registry = gan::Registry::builtin();
    QVERIFY(testutil::error_of([&] { gan::parse_sweep("default", registry.at("cyclegan")); })
                .contains("CycleGAN has no truncation to sweep"));
    QVERIFY(testutil::error_of([&] { gan::parse_sweep("noise=default", registry.at("stylegan")); })
                .contains("only the truncation has default values"));
    // The metrics at each value: at psi 0 every sample is the average image but for its noise, so IS is
    // about 1 (the classifier says the same of each).
    QCOMPARE(cli({"metrics", "--checkpoint", sg + "/checkpoint.pt", "--n", "20", "--sweep", "1,0", "--json"}, &so, &err), 0);
    auto j = nlohmann::json::parse(so);
    QCOMPARE(j["option"].get<std::string>(), std::string("psi"));
    QCOMPARE(j["points"].size(), size_t(2));
    QCOMPARE(j["points"][1]["value"].get<std::string>(), std::string("0"));
    QCOMPARE(j["points"][1]["n_fake"].get<long long>(), 20LL);
    QVERIFY(j["points"][0]["fid"].is_number());
    QVERIFY2(j["points"][1]["is_mean"].get<double>() < 1.01, so.c_str());
    QCOMPARE(cli({"metrics", "--checkpoint", sg + "/checkpoint.pt", "--n", "20", "--sweep", "1,0"}, &so, &err), 0);
    QVERIFY2(so.find("Truncation psi") == 0 || so.find("\nTruncation psi") != std::string::npos, so.c_str());
    QVERIFY2(so.find("MS-SSIM among the samples: higher is less varied") != std::string::npos, so.c_str());
  }

  // Generators trained elsewhere: TorchScript files made in Python (when Debian's python3-torch is there)
  // and here, sampled, interpolated and measured as latent families; bad files and shapes refused.
  void torchScriptGeneratorsOpenAndBadOnesAreRefused() {
    std::string so, err;
    // One made here: 8 latents to 1 x 8 x 8 images; and one that returns its latents, not images.
    const std::string mine = dir() + "/mine.pt", flat = dir() + "/flat.pt";
    {
      torch::jit::Module m("Gen");
      torch::manual_seed(1);
      m.register_parameter("w", torch::randn({64, 8}), false);
      m.define("def forward(self, z):\n    return torch.tanh(torch.mm(z, self.w.t())).view(-1, 1, 8, 8)\n");
      m.save(mine);
      torch::jit::Module f("Flat");
      f.define("def forward(self, z):\n    return z\n");
      f.save(flat);
    }
    QCOMPARE(cli({"sample", "--generator", mine, "--latent-dim", "8", "--n", "4", "--truncation", "0.5", "--out",
                  dir() + "/mine.png"}, &so, &err), 0);
    QVERIFY2(so.find("4 samples of " + mine + " (") != std::string::npos, so.c_str());
    QCOMPARE(cli({"interpolate", "--generator", mine, "--latent-dim", "8", "--from-seed", "1", "--to-seed", "2",
                  "--frames", "3", "--out", dir() + "/mine-walk.png"}, &so, &err), 0);
    QCOMPARE(cli({"sample", "--generator", mine, "--latent-dim", "8", "--sweep", "off,1,0.5", "--n", "2", "--out",
                  dir() + "/mine-sweep.png"}, &so, &err), 0);
    QCOMPARE(cli({"metrics", "--generator", mine, "--latent-dim", "8", "--data", data_, "--n", "20", "--json"}, &so, &err), 0);
    QCOMPARE(nlohmann::json::parse(so)["n_fake"].get<long long>(), 20LL);
    // Refused, each with its reason.
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{"--generator", flat, "--latent-dim", "8"}, "returns 2 x 8 for 2 latents of 8, not images 2 x C x R x R"},
        {{"--generator", mine, "--latent-dim", "5"}, "forward(z) failed for latents N x 5: RuntimeError:"},
        {{"--generator", data_, "--latent-dim", "8"}, "is not a TorchScript module"},
        {{"--generator", dir() + "/none.pt", "--latent-dim", "8"}, "does not exist"},
        {{"--generator", mine}, "--generator needs --latent-dim N"},
        {{"--generator", mine, "--latent-dim", "8", "--classes", "1"}, "--classes must be 0 (none) or from 2"},
        {{"--generator", mine, "--latent-dim", "8", "--checkpoint", mine}, "give --checkpoint or --generator, not both"},
    };
    for (const auto& [extra, message] : bad) {
      std::vector<std::string> args = {"sample", "--out", dir() + "/bad.png"};
      args.insert(args.end(), extra.begin(), extra.end());
      QVERIFY(cli(args, &so, &err) != 0);
      QVERIFY2(err.find(message) != std::string::npos, err.c_str());
    }
    // Made by PyTorch in Python: a scripted unconditional one and a traced conditional one.
    if (QProcess::execute("/usr/bin/python3", {"-c", "import torch"}) != 0) QSKIP("python3-torch is not installed");
    QCOMPARE(QProcess::execute("/usr/bin/python3", {GAN_FIXTURES "/scripted_generators.py", QString::fromStdString(dir())}), 0);
    QCOMPARE(cli({"sample", "--generator", dir() + "/plain.pt", "--latent-dim", "16", "--n", "4", "--out",
                  dir() + "/py.png"}, &so, &err), 0);
    QCOMPARE(cli({"sample", "--generator", dir() + "/conditional.pt", "--latent-dim", "16", "--classes", "10",
                  "--class", "all", "--n", "20", "--out", dir() + "/py-classes.png"}, &so, &err), 0);
    QVERIFY2(so.find("20 samples") != std::string::npos && so.find("rows: Class 0, Class 1") != std::string::npos, so.c_str());
    QCOMPARE(cli({"sample", "--generator", dir() + "/conditional.pt", "--latent-dim", "16", "--out", dir() + "/x.png"}, &so, &err), 1);
    QVERIFY2(err.find("missing value for argument 'y'") != std::string::npos, err.c_str());
  }

  // `export`: a checkpoint's generator as TorchScript that LibTorch here and PyTorch in Python run alone,
  // giving what the family gives; families that do not generate from a latent alone are refused.
  void exportWritesTorchScriptThatPyTorchRuns() {
    std::string so, err;
    const std::string run = dir() + "/export-run", style = dir() + "/export-style", toy = dir() + "/export-toy";
    QCOMPARE(cli(tiny_train(run, "2"), &so, &err), 0);
    QCOMPARE(cli({"train", "--model", "stylegan", "--data", data_, "--steps", "2", "--out", style, "--batch", "8",
                  "--resolution", "16", "--ngf", "4", "--ndf", "4", "--latent_dim", "12"}, &so, &err), 0);
    const std::string g = dir() + "/dcgan.pt", sg = dir() + "/stylegan.pt";
    QCOMPARE(cli({"export", "--checkpoint", run + "/checkpoint.pt", "--out", g}, &so, &err), 0);
    QVERIFY2(so.find("with z of N x 8 gives N x 1 x 16 x 16 images in [-1, 1]") != std::string::npos, so.c_str());
    QCOMPARE(cli({"export", "--checkpoint", style + "/checkpoint.pt", "--out", sg}, &so, &err), 0);
    // Here: the same images as the checkpoint's generator, for any number of latents.
    auto module = torch::jit::load(g);
    auto ck = gan::read_checkpoint(run + "/checkpoint.pt", gan::Registry::builtin());
    torch::manual_seed(3);
    auto z = torch::randn({5, 8});
    auto mine = module.forward({z}).toTensor();
    auto theirs = dynamic_cast<gan::ImageGan&>(*ck.family).generate(z, {});
    QVERIFY(torch::allclose(mine, theirs, 1e-5, 1e-6));
    // BigGAN's export carries standing statistics (for untruncated z), and leaves the family's own alone.
    const std::string big = dir() + "/export-big";
    QCOMPARE(cli({"train", "--model", "biggan", "--data", data_, "--steps", "2", "--out", big, "--batch", "8",
                  "--resolution", "16", "--ngf", "4", "--ndf", "4", "--latent_dim", "12", "--attention_res", "8"}, &so, &err), 0);
    QCOMPARE(cli({"export", "--checkpoint", big + "/checkpoint.pt", "--out", dir() + "/big.pt"}, &so, &err), 0);
    auto big_ck = gan::read_checkpoint(big + "/checkpoint.pt", gan::Registry::builtin());
    auto& big_gan = dynamic_cast<gan::ImageGan&>(*big_ck.family);
    auto z12 = torch::randn({4, 12});
    auto y4 = torch::arange(4, torch::kLong);
    auto trained_stats = big_gan.generate(z12, y4);
    QVERIFY(!torch::allclose(torch::jit::load(dir() + "/big.pt").forward({z12, y4}).toTensor(), trained_stats, 1e-4, 1e-4));
    gan::export_generator(*big_ck.family, dir() + "/big2.pt");
    QVERIFY(torch::equal(big_gan.generate(z12, y4), trained_stats));  // the family's statistics put back
    // And opened again as a generator trained elsewhere.
    QCOMPARE(cli({"sample", "--generator", g, "--latent-dim", "8", "--n", "4", "--out", dir() + "/again.png"}, &so, &err), 0);
    // Refused: a family that does not generate from a latent alone.
    QCOMPARE(cli({"train", "--model", "toy", "--steps", "2", "--out", toy}, &so, &err), 0);
    QCOMPARE(cli({"export", "--checkpoint", toy + "/checkpoint.pt", "--out", dir() + "/toy.pt"}, &so, &err), 2);
    QVERIFY2(err.find("cannot be exported") != std::string::npos, err.c_str());
    // PyTorch in Python (Debian's python3-torch) loads and runs both.
    if (QProcess::execute("/usr/bin/python3", {"-c", "import torch"}) != 0) QSKIP("python3-torch is not installed");
    for (const auto& [file, dim, side] : {std::tuple{g, 8, 16}, {sg, 12, 16}}) {
      QProcess py;
      py.start("/usr/bin/python3", {"-c", QString("import torch; m = torch.jit.load('%1'); x = m(torch.randn(3, %2)); "
                                             "print(tuple(x.shape), bool(x.abs().max() <= 1))").arg(QString::fromStdString(file)).arg(dim)});
      QVERIFY(py.waitForFinished(60000));
      const QString printed = QString::fromUtf8(py.readAllStandardOutput()).trimmed();
      QCOMPARE(printed, QString("(3, 1, %1, %1) True").arg(side));
    }
  }

  void modelsListsFamiliesAsJson() {
    std::string out;
    QCOMPARE(cli({"models", "--json"}, &out), 0);
    auto j = nlohmann::json::parse(out);
    QVERIFY(j.is_array() && !j.empty());
    QCOMPARE(j[0]["id"].get<std::string>(), std::string("dcgan"));
    const auto& caps = j[0]["capabilities"];
    QCOMPARE(caps["sample_options"][0]["id"].get<std::string>(), std::string("truncation"));
    QCOMPARE(caps["sample_options"][0]["kind"].get<std::string>(), std::string("slider"));
    QCOMPARE(caps["streams"][0]["name"].get<std::string>(), std::string("images"));
    QCOMPARE(caps["series"][2]["axis"].get<std::string>(), std::string("output"));
    QCOMPARE(caps["views"][0]["id"].get<std::string>(), std::string("latent"));
    QVERIFY(j[0]["params"].size() >= 10);
    std::map<std::string, bool> resumable;
    for (const auto& p : j[0]["params"]) resumable[p["name"].get<std::string>()] = p["resumable"].get<bool>();
    QVERIFY(resumable.at("lr_g") && resumable.at("beta1") && !resumable.at("ngf") && !resumable.at("batch"));
    QCOMPARE(cli({"models"}, &out), 0);
    QVERIFY(out.find("--lr_g (float, default 2e-4, 1e-06..1, may change on resume)") != std::string::npos);
  }

  void trainSampleInterpolate() {
    const std::string out = dir() + "/run";
    std::string err;
    QCOMPARE(cli(tiny_train(out, "4"), nullptr, &err), 0);
    QVERIFY2(err.find("4/4") != std::string::npos, err.c_str());  // the progress line reached the end
    QVERIFY(testutil::file_exists(out + "/checkpoint.pt"));
    const std::string log = testutil::read_text(out + "/log.jsonl");
    QCOMPARE(std::count(log.begin(), log.end(), '\n'), 7L);  // start, 4 steps, checkpoint, finished
    QVERIFY(testutil::file_exists(out + "/samples/step_0000004.png"));

    std::string so;
    QCOMPARE(cli({"sample", "--checkpoint", out + "/checkpoint.pt", "--n", "16", "--truncation", "1.0", "--out",
                  dir() + "/grid.png"},
                 &so),
             0);
    cv::Mat grid = cv::imread(dir() + "/grid.png", cv::IMREAD_UNCHANGED);
    QCOMPARE(grid.cols, 4 * 16 + 5 * 2);
    QCOMPARE(grid.rows, 4 * 16 + 5 * 2);
    QCOMPARE(cli({"interpolate", "--checkpoint", out + "/checkpoint.pt", "--from-seed", "1", "--to-seed", "2",
                  "--frames", "5", "--mode", "lerp", "--out", dir() + "/strip.png"}),
             0);
    cv::Mat strip = cv::imread(dir() + "/strip.png", cv::IMREAD_UNCHANGED);
    QCOMPARE(strip.cols, 5 * 16 + 6 * 2);
    QCOMPARE(strip.rows, 16 + 2 * 2);
    // The same walk as an animation: one frame per image, scaled up by a whole factor to 256 px; --bounce
    // comes back again (5 + 3 frames); the MP4 is read back by OpenCV with every frame.
    std::string said;
    QCOMPARE(cli({"interpolate", "--checkpoint", out + "/checkpoint.pt", "--from-seed", "1", "--to-seed", "2",
                  "--frames", "5", "--out", dir() + "/walk.gif", "--bounce", "--fps", "10"},
                 &said),
             0);
    QVERIFY2(said.find("8 frames of 256x256 at 10 fps") != std::string::npos, said.c_str());
    const auto gif = gan::read_animation_info(dir() + "/walk.gif");
    QCOMPARE(gif.frames, 8);
    QCOMPARE(gif.width, 256);
    QCOMPARE(cli({"interpolate", "--checkpoint", out + "/checkpoint.pt", "--from-seed", "1", "--to-seed", "2",
                  "--frames", "6", "--out", dir() + "/walk.mp4", "--size", "64"}),
             0);
    const auto mp4 = gan::read_animation_info(dir() + "/walk.mp4");
    QCOMPARE(mp4.frames, 6);
    QCOMPARE(mp4.width, 64);
    QCOMPARE(mp4.height, 64);
    // The first GIF frame is the strip's first image, scaled (grey: its palette is exact).
    const auto frames = gan::read_gif_frames(dir() + "/walk.gif");
    cv::Mat first = strip(cv::Rect(2, 2, 16, 16));
    for (int y = 0; y < 256; y += 37)
      for (int x = 0; x < 256; x += 29)
        QCOMPARE(int(frames[0].pixels[(size_t(y) * 256 + x) * 3]), int(first.at<std::uint8_t>(y / 16, x / 16)));
    QCOMPARE(frames[7].pixels, frames[1].pixels);  // on the way back

    // --resume continues to a new total, and takes a new learning rate (to another folder here).
    QCOMPARE(cli({"train", "--resume", out + "/checkpoint.pt", "--steps", "6"}, nullptr, &err), 0);
    QCOMPARE(gan::read_checkpoint(out + "/checkpoint.pt", gan::Registry::builtin()).step, 6LL);
    QCOMPARE(cli({"train", "--resume", out + "/checkpoint.pt", "--steps", "7", "--lr", "1e-4", "--out", dir() + "/relr"},
                 nullptr, &err),
             0);
    QVERIFY2(err.find("resumed at step 6 with changes: output folder") != std::string::npos &&
                 err.find("steps 6 -> 7; lr_d 0.0002 -> 1e-4; lr_g 0.0002 -> 1e-4") != std::string::npos,
             err.c_str());
    QCOMPARE(gan::read_checkpoint(dir() + "/relr/checkpoint.pt", gan::Registry::builtin()).config.params.text("lr_g"),
             std::string("0.0001"));
  }

  // The 2-D toys from the command line: no data to give, the modes measured in the log, `metrics` on a
  // checkpoint gives the same measures, `sample` draws the plane.
  void toyTrainsMeasuresAndSamples() {
    const std::string out = dir() + "/toy";
    std::string err, so;
    const std::vector<std::string> args{"train", "--model", "toy", "--distribution", "grid", "--steps", "20", "--out", out,
                                        "--batch", "32", "--g_hidden", "16", "--d_hidden", "16", "--accuracy-every", "10"};
    QCOMPARE(cli(args, nullptr, &err), 0);
    QVERIFY2(err.find("2-D toys") != std::string::npos && err.find("on points drawn from the distribution") != std::string::npos,
             err.c_str());
    const std::string log = testutil::read_text(out + "/log.jsonl");
    QVERIFY2(log.find("\"modes\"") != std::string::npos && log.find("\"hq\"") != std::string::npos, log.c_str());
    QCOMPARE(cli({"metrics", "--checkpoint", out + "/checkpoint.pt", "--json"}, &so, &err), 0);
    auto j = nlohmann::json::parse(so);
    QCOMPARE(j["step"].get<long long>(), 20LL);
    // The same fixed latents as the log's last measurement.
    double logged = -1;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
      auto row = nlohmann::json::parse(line);
      if (row.contains("modes")) logged = row["modes"].get<double>();
    }
    QCOMPARE(j["modes"].get<double>(), logged);
    QCOMPARE(cli({"metrics", "--checkpoint", out + "/checkpoint.pt"}, &so, &err), 0);
    QVERIFY2(so.find("modes covered: ") != std::string::npos, so.c_str());
    QCOMPARE(cli({"sample", "--checkpoint", out + "/checkpoint.pt", "--n", "500", "--out", dir() + "/plane.png"}, &so), 0);
    cv::Mat plane = cv::imread(dir() + "/plane.png", cv::IMREAD_UNCHANGED);
    QCOMPARE(plane.cols, 384 + 2 * 2);
    // Data are refused, saying why.
    std::vector<std::string> with_data = args;
    with_data.push_back("--data");
    with_data.push_back(data_);
    QCOMPARE(cli(with_data, nullptr, &err), 2);
    QVERIFY2(err.find("takes no data") != std::string::npos, err.c_str());
    QCOMPARE(cli({"models"}, &so), 0);
    QVERIFY(so.find("data: none to give: points drawn") != std::string::npos);
  }

  // StarGAN from the command line: a folder of class folders, translated into one domain and into all;
  // an attribute file, translated with ticked attributes; and the classification matrix of `metrics`
  // on three classes of labelled data.
  void starGanOnFoldersAndAttributes() {
    const std::string root = dir() + "/star", classes = root + "/classes";
    for (const char* c : {"circle", "square", "stripe"}) std::filesystem::create_directories(classes + "/" + c);
    for (int i = 0; i < 12; ++i) {
      cv::Mat img(20, 20, CV_8UC1, cv::Scalar(20));
      const std::string kind = i % 3 == 0 ? "circle" : i % 3 == 1 ? "square" : "stripe";
      if (kind == "square") img(cv::Rect(4, 4, 12, 12)).setTo(230);
      if (kind == "stripe") img(cv::Rect(0, 8, 20, 4)).setTo(230);
      if (kind == "circle") img(cv::Rect(8, 3, 4, 14)).setTo(230), img(cv::Rect(3, 8, 14, 4)).setTo(230);  // a cross
      cv::imwrite(classes + "/" + kind + "/" + std::to_string(i) + ".png", img);
    }
    const std::vector<std::string> small = {"--resolution", "16", "--ngf", "4", "--ndf", "4", "--g_blocks", "1",
                                            "--d_steps", "1", "--batch", "4"};
    auto train = std::vector<std::string>{"train", "--model", "stargan", "--data", classes, "--steps", "2",
                                          "--out", root + "/run"};
    train.insert(train.end(), small.begin(), small.end());
    std::string so, err;
    QCOMPARE(cli(train, &so, &err), 0);
    const std::string ckpt = root + "/run/checkpoint.pt";
    QCOMPARE(cli({"translate", "--checkpoint", ckpt, "--input", classes + "/circle", "--out", root + "/one",
                  "--domain", "square"}, &so, &err), 0);
    QVERIFY2(so.find("wrote 4 translation(s) of 4 image(s) --domain square") != std::string::npos, so.c_str());
    QVERIFY(testutil::file_exists(root + "/one/0_square.png"));
    QCOMPARE(cli({"translate", "--checkpoint", ckpt, "--input", classes + "/circle/0.png", "--out", root + "/strong",
                  "--domain", "stripe", "--strength", "1.5"}, &so, &err), 0);
    QVERIFY(testutil::file_exists(root + "/strong/0_stripe_1.5.png"));  // "stripe ×1.5", made a file name
    QCOMPARE(cli({"translate", "--checkpoint", ckpt, "--input", classes + "/circle/0.png", "--out", root + "/all"}, &so,
                 &err), 0);  // every domain by default
    for (const char* c : {"circle", "square", "stripe"}) QVERIFY(testutil::file_exists(root + "/all/0_" + std::string(c) + ".png"));
    QCOMPARE(cli({"translate", "--checkpoint", ckpt, "--input", classes + "/square", "--out", root + "/x", "--domain", "oval"}, &so,
                 &err), 2);
    QVERIFY2(err.find("unknown domain 'oval'; the domains are circle, square, stripe") != std::string::npos, err.c_str());
    QCOMPARE(cli({"translate", "--checkpoint", ckpt, "--input", classes + "/square", "--out", root + "/x", "--strength", "9"}, &so,
                 &err), 2);
    QVERIFY2(err.find("Strength (strength) must be a number from 0 to 2") != std::string::npos, err.c_str());
    QCOMPARE(cli({"models"}, &so), 0);
    QVERIFY(so.find("translate options: --domain --attrs --strength") != std::string::npos);

    // An attribute file beside the same images: "round" and "wide".
    std::ofstream list(root + "/list_attr.txt");
    list << "12\nround wide\n";
    for (int i = 0; i < 12; ++i) {
      const std::string kind = i % 3 == 0 ? "circle" : i % 3 == 1 ? "square" : "stripe";
      list << "classes/" << kind << "/" << i << ".png " << (i % 3 == 0 ? 1 : -1) << " " << (i % 3 == 2 ? 1 : -1) << "\n";
    }
    list.close();
    train = {"train", "--model", "stargan", "--data", root + "/list_attr.txt", "--steps", "2", "--out", root + "/attrs"};
    train.insert(train.end(), small.begin(), small.end());
    QCOMPARE(cli(train, &so, &err), 0);
    QVERIFY2(err.find("12 images, 1 channel(s), 2 attributes") != std::string::npos, err.c_str());
    QCOMPARE(cli({"translate", "--checkpoint", root + "/attrs/checkpoint.pt", "--input", classes + "/square/1.png",
                  "--out", root + "/ticked", "--attrs", "round=1,wide=0"}, &so, &err), 0);
    QVERIFY(testutil::file_exists(root + "/ticked/1_attrs.png"));
    QCOMPARE(cli({"translate", "--checkpoint", root + "/attrs/checkpoint.pt", "--input", classes + "/square/1.png",
                  "--out", root + "/ticked", "--domain", "all"}, &so, &err), 0);
    QVERIFY(testutil::file_exists(root + "/ticked/1_flip_wide.png"));
    // ACGAN does not take attributes, and says why.
    QCOMPARE(cli({"train", "--model", "acgan", "--data", root + "/list_attr.txt", "--steps", "1", "--out", root + "/no"},
                 nullptr, &err), 1);
    QVERIFY2(err.find("takes one class per image") != std::string::npos, err.c_str());

    // Three classes of labelled data: the share of each class's translations the classifier takes for
    // each target, and its mean.
    train = {"train", "--model", "stargan", "--data", data_ + ":0,1,2", "--steps", "2", "--out", root + "/idx"};
    train.insert(train.end(), small.begin(), small.end());
    QCOMPARE(cli(train, &so, &err), 0);
    QCOMPARE(cli({"metrics", "--checkpoint", root + "/idx/checkpoint.pt", "--n", "5", "--json"}, &so, &err), 0);
    auto j = nlohmann::json::parse(so)["domains"];
    QCOMPARE(j["domains"].size(), size_t(3));
    QCOMPARE(j["share"].size(), size_t(3));
    QCOMPARE(j["per_domain"].get<long long>(), 3LL);  // an IDX file has no test split: its 3 images of each class
    double mean = 0;
    for (int t = 0; t < 3; ++t) {
      const double p = j["per_target"][t].get<double>();
      QVERIFY(p >= 0 && p <= 1);
      QCOMPARE(p, (j["share"][(t + 1) % 3][t].get<double>() + j["share"][(t + 2) % 3][t].get<double>()) / 2);
      mean += p / 3;
    }
    QVERIFY(std::abs(j["mean"].get<double>() - mean) < 1e-12);
  }

  // CycleGAN from the command line: two image folders, then translate a folder and a file (a non-image
  // gets a message), and the verdict of `metrics` on two classes of labelled data.
  void cycleGanOnFoldersTranslatesAndIsJudged() {
    const std::string a = dir() + "/domain-a", b = dir() + "/domain-b";
    std::filesystem::create_directories(a);
    std::filesystem::create_directories(b);
    for (int i = 0; i < 6; ++i) {
      cv::Mat img(20 + i, 24, CV_8UC3, cv::Scalar(30 * i, 200, 40));
      cv::imwrite(a + "/a" + std::to_string(i) + ".png", img);
      cv::imwrite(b + "/b" + std::to_string(i) + ".jpg", cv::Mat(24, 24, CV_8UC1, cv::Scalar(20 * i)));
    }
    const std::string out = dir() + "/cyclegan";
    std::string err, so;
    const std::vector<std::string> small = {"--resolution", "16", "--ngf", "8", "--ndf", "8", "--g_blocks", "1", "--lr", "1e-3"};
    auto train = std::vector<std::string>{"train", "--model", "cyclegan", "--data-A", a, "--data-B", b, "--steps", "3",
                                          "--out", out};
    train.insert(train.end(), small.begin(), small.end());
    QCOMPARE(cli(train, nullptr, &err), 0);
    QVERIFY2(err.find("A: folder") != std::string::npos && err.find("B: folder") != std::string::npos, err.c_str());
    QVERIFY(testutil::file_exists(out + "/samples/step_0000003.png") || testutil::file_exists(out + "/checkpoint.pt"));
    std::ofstream(dir() + "/notes.txt") << "not an image";
    QCOMPARE(cli({"translate", "--checkpoint", out + "/checkpoint.pt", "--input", a, dir() + "/notes.txt", "--out",
                  dir() + "/translated", "--direction", "AtoB"},
                 &so, &err),
             1);  // the images are translated; the text file is named
    QVERIFY2(err.find("notes.txt is not an image") != std::string::npos, err.c_str());
    QVERIFY2(so.find("wrote 6 translation(s) of 6 image(s) --direction AtoB") != std::string::npos, so.c_str());
    cv::Mat t = cv::imread(dir() + "/translated/a3_AtoB.png", cv::IMREAD_UNCHANGED);
    QCOMPARE(t.cols, 16);
    QCOMPARE(t.channels(), 3);  // the folders differ: grey B was brought to colour
    QCOMPARE(cli({"translate", "--checkpoint", out + "/checkpoint.pt", "--input", a, "--out", dir() + "/t2",
                  "--direction", "AtoC"}, nullptr, &err), 2);
    QVERIFY2(err.find("Direction (direction) must be one of AtoB, BtoA, not 'AtoC'") != std::string::npos, err.c_str());

    // Two classes of labelled data: how many translations the classifier takes for the target class.
    const std::string labelled = out + "-labelled";
    train = {"train", "--model", "cyclegan", "--data-A", data_ + ":0", "--data-B", data_ + ":1", "--steps", "2", "--out", labelled};
    train.insert(train.end(), small.begin(), small.end());
    QCOMPARE(cli(train, nullptr, &err), 0);
    QCOMPARE(cli({"metrics", "--checkpoint", labelled + "/checkpoint.pt", "--n", "20", "--json"}, &so, &err), 0);
    auto j = nlohmann::json::parse(so);
    QCOMPARE(j["translations"].size(), size_t(2));
    const auto& ab = j["translations"][0];
    QCOMPARE(ab["direction"].get<std::string>(), std::string("AtoB"));
    QCOMPARE(ab["target_class"].get<std::string>(), std::string("1"));
    for (const char* k : {"target_share", "identity_share"})
      QVERIFY(ab[k].get<double>() >= 0 && ab[k].get<double>() <= 1);
    QVERIFY(ab["fid"].is_number() && ab["identity_fid"].is_number());
    QVERIFY(ab["truth"].get<std::string>().empty() && ab["l1"].is_null());  // no known answer for these data
    // This tiny data set's images of a class are all the same: translations of alike images are alike.
    QCOMPARE(ab["target_spread"].get<double>(), 0.0);
    QCOMPARE(ab["spread"].get<double>(), 0.0);

    // DiscoGAN on two typefaces of the glyphs: the true targets are known, so L1 and SSIM against them
    // are measured, beside the untranslated images'.
    const std::string glyphs = out + "-glyphs";
    QCOMPARE(cli({"train", "--model", "discogan", "--steps", "2", "--out", glyphs, "--resolution", "16", "--ngf", "4",
                  "--ndf", "4", "--batch", "4"}, nullptr, &err), 0);
    QCOMPARE(cli({"metrics", "--checkpoint", glyphs + "/checkpoint.pt", "--json"}, &so, &err), 0);
    j = nlohmann::json::parse(so);
    const auto& g = j["translations"][0];
    QCOMPARE(g["truth"].get<std::string>(), std::string("glyphs test [DejaVu Serif]"));
    QCOMPARE(g["n"].get<long long>(), 34LL);  // the held-out characters
    QVERIFY(g["l1"].get<double>() > 0 && g["identity_l1"].get<double>() > 0 && g["identity_l1"].get<double>() < 0.2);
    QVERIFY(g["identity_ssim"].get<double>() > 0.3 && g["identity_ssim"].get<double>() < 1);
    QVERIFY(g["target_spread"].get<double>() > 0.05);  // different characters differ
    QCOMPARE(cli({"metrics", "--checkpoint", glyphs + "/checkpoint.pt"}, &so, &err), 0);
    QVERIFY2(so.find("against the true targets (glyphs test [DejaVu Serif]): L1 ") != std::string::npos, so.c_str());
  }

  void badInputGivesAMessageAndANonZeroExit_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown model") << QStringList{"train", "--model", "nogan", "--steps", "2", "--out", "x"} << 2
                                   << "unknown model 'nogan'";
    QTest::newRow("negative lr") << QStringList{"train", "--steps", "2", "--out", "x", "--lr", "-1"} << 2
                                 << "must be between";
    QTest::newRow("zero batch") << QStringList{"train", "--steps", "2", "--out", "x", "--batch", "0"} << 2
                                << "Batch size (batch) must be between 1 and 4096";
    QTest::newRow("unknown option") << QStringList{"train", "--steps", "2", "--out", "x", "--speed", "9"} << 2
                                    << "unknown option --speed";
    QTest::newRow("missing out") << QStringList{"train", "--steps", "2"} << 2 << "--out is required";
    QTest::newRow("missing data") << QStringList{"train", "--steps", "2", "--out", "MISSINGOUT", "--data", "/no/such/dir"}
                                  << 1 << "dataset not found";
    QTest::newRow("bad checkpoint") << QStringList{"sample", "--checkpoint", "/etc/hostname", "--out", "g.png"} << 1
                                    << "not a GAN Explorer checkpoint";
    QTest::newRow("unknown command") << QStringList{"trian"} << 2 << "unknown command";
    QTest::newRow("truncation too small") << QStringList{"sample", "--checkpoint", "RUN", "--truncation", "0.01", "--out", "g.png"}
                                          << 2 << "Truncation (truncation) must be a number from 0.05 to 3";
    QTest::newRow("class of an unconditional model") << QStringList{"sample", "--checkpoint", "RUN", "--class", "3", "--out", "g.png"}
                                                     << 2 << "unknown option --class";
    QTest::newRow("translate with a latent model") << QStringList{"translate", "--checkpoint", "RUN", "--input", "a.png", "--out", "t"}
                                                   << 2 << "does not translate images";
    QTest::newRow("stream the family lacks") << QStringList{"train", "--steps", "2", "--out", "x", "--data-A", "fashion-mnist"}
                                             << 2 << "has no data stream 'A'";
    QTest::newRow("unknown class") << QStringList{"train", "--steps", "2", "--out", "MISSINGOUT", "--data", "fashion-mnist:Hat"}
                                   << 1 << "'Hat' is not a class of Fashion-MNIST";
    QTest::newRow("interpolate: truncation below range")
        << QStringList{"interpolate", "--checkpoint", "RUN", "--from-seed", "1", "--to-seed", "2", "--truncation", "-1",
                       "--out", "s.png"}
        << 2 << "Truncation (truncation) must be a number from 0.05 to 3";
    QTest::newRow("animation frame rate") << QStringList{"interpolate", "--checkpoint", "RUN", "--from-seed", "1", "--to-seed", "2",
                                                      "--out", "w.gif", "--fps", "0"}
                                          << 2 << "--fps must be above 0 and at most 100";
    QTest::newRow("fps on a PNG strip") << QStringList{"interpolate", "--checkpoint", "RUN", "--from-seed", "1", "--to-seed", "2",
                                                    "--out", "s.png", "--fps", "5"}
                                        << 2 << "--fps and --bounce are for animations";
    QTest::newRow("endless data") << QStringList{"train", "--steps", "2", "--out", "MISSINGOUT", "--data", "/dev/zero"} << 1
                                  << "/dev/zero is a character device, not a regular file";
    QTest::newRow("output is a device") << QStringList{"sample", "--checkpoint", "RUN", "--out", "/dev/null"} << 1
                                        << "it is a character device, not a regular file";
    QTest::newRow("steps not whole") << QStringList{"train", "--steps", "3.9", "--out", "x"} << 2
                                     << "--steps needs a whole number, not '3.9'";
    QTest::newRow("steps past range") << QStringList{"train", "--steps", "99999999999999999999", "--out", "x"} << 2
                                      << "--steps is out of range";
    QTest::newRow("interval past range") << QStringList{"train", "--steps", "2", "--out", "x", "--checkpoint-every", "4e15"}
                                         << 2 << "checkpoint_every must be between 1 and 1000000000000";
    QTest::newRow("resume a finished run") << QStringList{"train", "--resume", "RUN"} << 2
                                           << "the run already reached its 6 steps: give a larger step total";
    QTest::newRow("resume below the step") << QStringList{"train", "--resume", "RUN", "--steps", "3"} << 2
                                           << "the run is at step 6: the step total must be above it";
    QTest::newRow("resume with other widths") << QStringList{"train", "--resume", "RUN", "--steps", "9", "--ngf", "16"} << 2
                                              << "G width (ngf) cannot change when a run resumes";
  }
  void badInputGivesAMessageAndANonZeroExit() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    std::vector<std::string> a;
    for (const auto& s : args)
      a.push_back(s == "MISSINGOUT" ? dir() + "/missing-out" : s == "RUN" ? dir() + "/run/checkpoint.pt" : s.toStdString());
    std::string err;
    QCOMPARE(cli(a, nullptr, &err), code);
    QVERIFY2(QString::fromStdString(err).contains(message), err.c_str());
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
