// engine/: the IDX and image-folder readers, on small files made here, bad inputs included.
#include <QtTest>

#include "engine/animation.h"

#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <thread>

#include "engine/dataset.h"
#include "engine/files.h"
#include "engine/folder_cache.h"
#include "engine/glyphs.h"
#include "engine/image.h"
#include "tests/support/test_util.h"

using namespace gan;

class TestDatasets : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }

  // A folder of `n` random images of mixed sizes and kinds (colour JPEGs and PNGs, grey PNGs) in two
  // class folders, and one file that cannot be read.
  std::string make_folder(const std::string& name, int n) {
    const std::string root = dir() + "/" + name;
    std::filesystem::create_directories(root + "/a");
    std::filesystem::create_directories(root + "/b");
    cv::RNG rng(7);
    for (int i = 0; i < n; ++i) {
      const int w = 20 + i % 17, h = 18 + (i * 7) % 23;
      cv::Mat img(h, w, i % 5 == 0 ? CV_8UC1 : CV_8UC3);
      rng.fill(img, cv::RNG::UNIFORM, 0, 256);
      const std::string file = root + (i % 2 ? "/a/" : "/b/") + std::to_string(i) + (i % 3 ? ".png" : ".jpg");
      cv::imwrite(file, img);
    }
    std::ofstream(root + "/a/broken.png") << "not a png";
    return root;
  }
  static LoadOptions uncached(int threads) {
    LoadOptions o;
    o.use_cache = false;
    o.threads = threads;
    return o;
  }
  static std::string notes(const Dataset& d) {
    std::string all;
    for (const auto& n : d.notes()) all += n + "\n";
    for (const auto& w : d.warnings()) all += w + "\n";
    return all;
  }


 private slots:
  void initTestCase() { qputenv("GAN_EXPLORER_CACHE", QByteArray::fromStdString(dir() + "/cache")); }

  // Animations: colour frames share one median-cut palette (a frame of 4 flat colours comes back exact),
  // the scale is a whole factor, and bad input is refused with the reason, leaving no file behind.
  void animationsAreWrittenAndReadBack() {
    std::vector<Image8> frames;
    for (int f = 0; f < 3; ++f) {
      Image8 im;
      im.width = 10, im.height = 6, im.channels = 3;
      for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 10; ++x) {
          const std::uint8_t c[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {250, 250, 250}};
          const auto* px = c[(x / 5 + 2 * (y / 3) + f) % 4];
          im.pixels.insert(im.pixels.end(), px, px + 3);
        }
      frames.push_back(im);
    }
    AnimationOptions o;
    o.min_side = 20;  // the shorter side 6 -> 24 (k = 4)
    write_animation(dir() + "/flags.gif", frames, o);
    const auto back = read_gif_frames(dir() + "/flags.gif");
    QCOMPARE(int(back.size()), 3);
    QCOMPARE(back[0].width, 40);
    QCOMPARE(back[0].height, 24);
    for (int f = 0; f < 3; ++f)
      for (int y = 0; y < 24; y += 5)
        for (int x = 0; x < 40; x += 7)
          for (int c = 0; c < 3; ++c)
            QCOMPARE(int(back[f].pixels[(size_t(y) * 40 + x) * 3 + c]), int(frames[f].pixels[(size_t(y / 4) * 10 + x / 4) * 3 + c]));
    // MP4 sides are made even: 10 x 6 with k = 4 is even already; 5 x 3 needs k = 6 (30 x 18) for k = 5.
    Image8 odd;
    odd.width = 5, odd.height = 3, odd.channels = 1;
    odd.pixels.assign(15, 128);
    o.min_side = 15;
    write_animation(dir() + "/odd.mp4", {odd, odd}, o);
    const auto info = read_animation_info(dir() + "/odd.mp4");
    QCOMPARE(info.frames, 2);
    QCOMPARE(info.width, 30);
    QCOMPARE(info.height, 18);
    auto refused = [&](const std::string& path, const std::vector<Image8>& fs, const std::string& why) {
      try {
        write_animation(path, fs);
      } catch (const std::exception& e) {
        QVERIFY2(std::string(e.what()).find(why) != std::string::npos, e.what());
        QVERIFY(!std::filesystem::exists(path));
        return;
      }
      QFAIL(("no error for " + path).c_str());
    };
    refused(dir() + "/a.avi", frames, "an animation is written as .gif or .mp4, not '.avi'");
    refused(dir() + "/none.gif", {}, "there are no frames to write");
    refused(dir() + "/mixed.gif", {frames[0], odd}, "the frames differ in size");
    refused(dir() + "/no/such/folder/x.gif", frames, "could not create");
    // No temporary is left beside the files, and one a killed export left is removed by the next.
    std::ofstream(dir() + "/flags.gif.tmp-999999999-1.gif") << "half";
    write_animation(dir() + "/flags.gif", frames, o);
    for (const auto& e : std::filesystem::directory_iterator(dir()))
      QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
  }

  // Decoding on several threads gives the bytes of decoding on one, with the same labels and notes;
  // and the cache gives them back again.
  // The glyph domains: the same characters in each typeface, in the same order, placed on one baseline
  // and centred; deterministic, cached, and a missing typeface or an unknown one named.
  void glyphDomainsKnowTheAnswer() {
    QCOMPARE(int(glyph_characters("train").size()), 140);
    QCOMPARE(int(glyph_characters("test").size()), 34);
    QCOMPARE(int(glyph_characters("test")[0]), int(U'E'));  // every fifth character is held out
    const DatasetSpec spec = parse_dataset("glyphs:DejaVu Sans,liberation serif");
    QCOMPARE(spec.source, std::string("glyphs"));
    const std::string cache = dir() + "/glyph-cache";
    auto data = load_glyphs(spec, 32, cache);
    QCOMPARE(data->size(), 280LL);
    QCOMPARE(data->num_classes(), 8);
    QCOMPARE(data->class_names()[5], std::string("Liberation Serif"));
    QCOMPARE(data->labels()[0].item<int64_t>(), 0LL);
    QCOMPARE(data->labels()[140].item<int64_t>(), 5LL);
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(cache + "/glyphs")) files += e.path().extension() == ".u8";
    QCOMPARE(files, 2);
    // From the cache: the same bytes; and the same as rendering afresh.
    auto again = load_glyphs(spec, 32, cache);
    QVERIFY(torch::equal(again->images(), data->images()));
    QVERIFY(again->warnings().empty());
    // A damaged cache file is drawn again, with a warning, and repaired.
    std::string damaged;
    for (const auto& e : std::filesystem::directory_iterator(cache + "/glyphs")) damaged = e.path().string();
    {
      std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(500);
      const char was = static_cast<char>(f.get());
      f.seekp(500);
      f.put(static_cast<char>(~was));
    }
    auto repaired = load_glyphs(spec, 32, cache);
    QVERIFY(torch::equal(repaired->images(), data->images()));
    QCOMPARE(int(repaired->warnings().size()), 1);
    QVERIFY2(repaired->warnings()[0].find("was damaged") != std::string::npos, repaired->warnings()[0].c_str());
    QVERIFY(load_glyphs(spec, 32, cache)->warnings().empty());
    const auto& faces = glyph_faces();
    const auto chars = glyph_characters("train");
    QVERIFY(torch::equal(render_glyphs(faces[5], chars, 32), data->images().narrow(0, 140, 140)));
    // Image i is character i in every face: 'A' (index 0) in both, and each has ink.
    auto a = render_glyphs(faces[0], {U'A', U'g'}, 32);
    QVERIFY(torch::equal(a[0], data->images()[0]));
    QVERIFY((data->images().flatten(1).sum(1) > 0).all().item<bool>());
    // 'A' sits on the baseline (row 24 of 32: its ink ends on row 23), centred across; 'g' descends.
    auto ink = a[0][0].to(torch::kFloat);
    auto rows = ink.sum(1).nonzero().flatten();
    QCOMPARE(rows.max().item<int64_t>(), 23LL);
    const double centre = (ink.sum(0) * torch::arange(32, torch::kFloat)).sum().item<double>() / ink.sum().item<double>();
    QVERIFY2(std::abs(centre - 15.5) < 1.5, std::to_string(centre).c_str());
    QVERIFY(a[1][0].sum(1).nonzero().flatten().max().item<int64_t>() > 24);
    // The test split is other characters of the same faces.
    auto test = load_dataset(parse_dataset("glyphs:1", "test"), 16);
    QCOMPARE(test->size(), 34LL);
    QCOMPARE(test->resolution(), 16);
    // Bad names and missing typefaces.
    QVERIFY(testutil::error_of([&] { load_glyphs(parse_dataset("glyphs:Comic Sans"), 32, cache); })
                .contains("'Comic Sans' is not a typeface of the glyphs (they are: DejaVu Sans, DejaVu Serif"));
    const QString missing = testutil::error_of([] {
      render_glyphs({"Nowhere Sans", "Nowhere Sans", "Regular", "fonts-nowhere"}, {U'A'}, 32);
    });
    QVERIFY2(missing.contains("the typeface Nowhere Sans (Nowhere Sans, Regular) is not installed: sudo apt-get install "
                              "fonts-nowhere"), qPrintable(missing));
    QVERIFY(testutil::error_of([] { glyph_characters("valid"); }).contains("the splits 'train' and 'test'"));
  }

  void parallelDecodingAndTheCacheGiveTheSameBytes() {
    const std::string root = make_folder("parallel", 40);
    auto serial = load_dataset({root, "train"}, 12, uncached(1));
    auto parallel = load_dataset({root, "train"}, 12, uncached(4));
    QCOMPARE(serial->size(), 40LL);
    QCOMPARE(serial->skipped(), 1LL);
    QCOMPARE(serial->channels(), 3);
    QVERIFY(torch::equal(serial->images(), parallel->images()));
    QVERIFY(torch::equal(serial->labels(), parallel->labels()));
    QCOMPARE(serial->warnings(), parallel->warnings());
    QCOMPARE(serial->description(), parallel->description());

    LoadOptions o;
    o.threads = 3;
    std::vector<long long> seen;
    o.progress = [&](long long done, long long total) {
      QCOMPARE(total, 41LL);
      seen.push_back(done);
    };
    auto first = load_dataset({root, "train"}, 12, o);
    QVERIFY(!seen.empty() && seen.back() == 41);
    QVERIFY2(notes(*first).find("41 files decoded") != std::string::npos, notes(*first).c_str());
    QVERIFY2(notes(*first).find("40 read, 1 skipped; cached as") != std::string::npos, notes(*first).c_str());
    auto second = load_dataset({root, "train"}, 12, o);
    QVERIFY2(notes(*second).find("read from the cache") != std::string::npos, notes(*second).c_str());
    for (const auto& d : {first, second}) {
      QVERIFY(torch::equal(serial->images(), d->images()));
      QVERIFY(torch::equal(serial->labels(), d->labels()));
      QCOMPARE(d->class_names(), serial->class_names());
      QCOMPARE(d->skipped(), 1LL);
      QCOMPARE(d->description(), serial->description());
    }
    QVERIFY(notes(*second).find("could not read a/broken.png") != std::string::npos);  // kept with the cache
    // Another resolution is another cache file.
    auto other = load_dataset({root, "train"}, 8, o);
    QVERIFY(notes(*other).find("decoded") != std::string::npos);
    QCOMPARE(other->resolution(), 8);
  }

  // All-grey folders keep one channel through the cache; unlabelled ones stay unlabelled.
  void greyUnlabelledFolderThroughTheCache() {
    const std::string root = dir() + "/grey";
    std::filesystem::create_directories(root);
    for (int i = 0; i < 5; ++i) cv::imwrite(root + "/" + std::to_string(i) + ".png", cv::Mat(20, 30, CV_8UC1, cv::Scalar(40 * i)));
    auto serial = load_dataset({root, "train"}, 8, uncached(1));
    auto first = load_dataset({root, "train"}, 8);
    auto cached = load_dataset({root, "train"}, 8);
    QVERIFY(notes(*cached).find("read from the cache") != std::string::npos);
    QCOMPARE(cached->channels(), 1);
    QVERIFY(!cached->labels().defined());
    QVERIFY(torch::equal(serial->images(), cached->images()));
    QCOMPARE(cached->images()[4].min().item<int>(), 160);
  }

  // A changed, added or removed file makes a new key, so the folder is read again.
  void aChangedAddedOrRemovedFileInvalidatesTheCache() {
    const std::string root = make_folder("changes", 12);
    auto decoded = [&] { return notes(*load_dataset({root, "train"}, 12)).find("decoded") != std::string::npos; };
    QVERIFY(decoded());
    QVERIFY(!decoded());
    // Changed: the same name and size, new pixels and a new time.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cv::Mat img(18, 20, CV_8UC3, cv::Scalar(1, 2, 3));
    cv::imwrite(root + "/a/1.png", img);
    QVERIFY(decoded());
    QVERIFY(!decoded());
    cv::imwrite(root + "/b/new.png", img);
    auto added = load_dataset({root, "train"}, 12);
    QCOMPARE(added->size(), 13LL);
    QVERIFY(!decoded());
    std::filesystem::remove(root + "/b/0.jpg");
    auto removed = load_dataset({root, "train"}, 12);
    QCOMPARE(removed->size(), 12LL);
    QVERIFY(notes(*removed).find("decoded") != std::string::npos);
  }

  // A damaged cache file (cut short, a flipped byte in the images, a foreign file at its name) is
  // rebuilt with a message, and the data are the folder's.
  void aDamagedCacheFileIsRebuiltWithAMessage_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("why");
    QTest::newRow("cut short") << "cut" << "cut short";
    QTest::newRow("flipped byte") << "flip" << "do not match their checksum";
    QTest::newRow("foreign file") << "foreign" << "not a folder cache file";
    QTest::newRow("empty") << "empty" << "not even a header";
  }
  void aDamagedCacheFileIsRebuiltWithAMessage() {
    QFETCH(QString, damage);
    QFETCH(QString, why);
    const std::string root = make_folder("hurt-" + damage.toStdString(), 8);
    auto truth = load_dataset({root, "train"}, 12, uncached(1));
    auto first = load_dataset({root, "train"}, 12);
    const std::string note = notes(*first);
    const auto at = note.find("cached as ");
    QVERIFY2(at != std::string::npos, note.c_str());
    const std::string path = note.substr(at + 10, note.find('\n', at) - at - 10);
    QVERIFY2(std::filesystem::exists(path), path.c_str());
    const auto size = std::filesystem::file_size(path);
    if (damage == "cut") std::filesystem::resize_file(path, size - 100);
    if (damage == "empty") std::filesystem::resize_file(path, 0);
    if (damage == "foreign") std::ofstream(path, std::ios::binary) << std::string(5000, 'x');
    if (damage == "flip") {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(4096 + 77);
      char c = 0;
      f.seekg(4096 + 77);
      f.get(c);
      f.seekp(4096 + 77);
      f.put(static_cast<char>(c ^ 0x10));
    }
    auto again = load_dataset({root, "train"}, 12);
    const std::string said = notes(*again);
    QVERIFY2(said.find("was damaged") != std::string::npos && said.find(why.toStdString()) != std::string::npos, said.c_str());
    QVERIFY(said.find("decoded") != std::string::npos);
    QVERIFY(torch::equal(truth->images(), again->images()));
    auto third = load_dataset({root, "train"}, 12);  // rebuilt: read from the cache, no message
    QVERIFY2(notes(*third).find("read from the cache") != std::string::npos, notes(*third).c_str());
    QVERIFY(notes(*third).find("damaged") == std::string::npos);
    QVERIFY(torch::equal(truth->images(), third->images()));
  }

  // The cache keeps to its limit: writing a new file removes the least recently used ones (never the
  // one just written), and says so; a pruned folder is decoded again next time.
  void theCacheKeepsToItsLimit() {
    const QByteArray old_cache = qgetenv("GAN_EXPLORER_CACHE");
    qputenv("GAN_EXPLORER_CACHE", QByteArray::fromStdString(dir() + "/small-cache"));
    qputenv("GAN_EXPLORER_FOLDER_CACHE_MB", "0");
    const std::string a = make_folder("prune-a", 6), b = make_folder("prune-b", 6);
    QVERIFY(notes(*load_dataset({a, "train"}, 12)).find("decoded") != std::string::npos);
    QVERIFY(notes(*load_dataset({a, "train"}, 12)).find("read from the cache") != std::string::npos);
    const std::string said = notes(*load_dataset({b, "train"}, 12));
    QVERIFY2(said.find("the folder cache was over 0 MiB: the 1 least recently used file(s) were removed") != std::string::npos,
             said.c_str());
    QVERIFY(notes(*load_dataset({b, "train"}, 12)).find("read from the cache") != std::string::npos);
    QVERIFY(notes(*load_dataset({a, "train"}, 12)).find("decoded") != std::string::npos);
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir() + "/small-cache/folders")) files += e.path().extension() == ".gxf";
    QCOMPARE(files, 1);
    // Under the default limit nothing is removed.
    qunsetenv("GAN_EXPLORER_FOLDER_CACHE_MB");
    QCOMPARE(folder_cache_limit(), std::uint64_t(4) << 30);
    QVERIFY(notes(*load_dataset({b, "train"}, 12)).find("removed") == std::string::npos);
    qputenv("GAN_EXPLORER_CACHE", old_cache);
  }

  // A cache on a full disk: the room is asked for before any image is written, so the folder is read
  // into memory instead, with a warning saying why, and nothing is left in the cache.
  void aFullDiskLeavesTheFolderUncachedWithAMessage() {
    testutil::SmallDisk disk(dir(), "1m");
    if (!disk.ok()) QSKIP(disk.why().c_str());
    const std::string root = make_folder("full-disk", 10);
    auto truth = load_dataset({root, "train"}, 12, uncached(1));
    const QByteArray old_cache = qgetenv("GAN_EXPLORER_CACHE");
    qputenv("GAN_EXPLORER_CACHE", QByteArray::fromStdString(disk.path() + "/cache"));
    std::filesystem::create_directories(disk.path() + "/cache/folders");
    disk.fill(0);
    auto ds = load_dataset({root, "train"}, 12);
    qputenv("GAN_EXPLORER_CACHE", old_cache);
    const std::string said = notes(*ds);
    QVERIFY2(said.find("the prepared images are not cached: no room for the cache (9 KiB)") != std::string::npos &&
                 said.find("(the disk is full)") != std::string::npos && said.find("not cached") != std::string::npos,
             said.c_str());
    QVERIFY(torch::equal(truth->images(), ds->images()));
    QVERIFY(std::filesystem::is_empty(disk.path() + "/cache/folders"));
  }

  // Cancelling stops the decoding with Cancelled, and leaves no cache file or temporary behind.
  void cancellingLeavesNothingBehind() {
    const std::string root = make_folder("cancel", 30);
    std::atomic<bool> cancel{true};
    LoadOptions o;
    o.cancel = &cancel;
    bool cancelled = false;
    try {
      load_dataset({root, "train"}, 12, o);
    } catch (const Cancelled&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    const std::string folders = cache_dir() + "/folders";
    for (const auto& e : std::filesystem::directory_iterator(folders))
      QVERIFY2(e.path().string().find(".tmp-") == std::string::npos, e.path().c_str());
    cancel = false;
    QVERIFY(notes(*load_dataset({root, "train"}, 12, o)).find("decoded") != std::string::npos);
  }

  // Packing slots moves each kept image down to its place, keeping the first channels.
  void packSlotsKeepsTheChosenSlotsInOrder() {
    const int r = 2;
    std::vector<std::uint8_t> b(4 * 3 * r * r);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i);
    pack_slots(b.data(), {1, 3}, 3, r);
    for (int i = 0; i < 12; ++i) QCOMPARE(int(b[i]), 12 + i);
    for (int i = 0; i < 12; ++i) QCOMPARE(int(b[12 + i]), 36 + i);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i);
    pack_slots(b.data(), {0, 2, 3}, 1, r);
    const std::vector<int> want = {0, 1, 2, 3, 24, 25, 26, 27, 36, 37, 38, 39};
    for (int i = 0; i < 12; ++i) QCOMPARE(int(b[i]), want[i]);
  }

  void idxRawAndGzipRoundTrip_data() {
    QTest::addColumn<bool>("gz");
    QTest::newRow("raw") << false;
    QTest::newRow("gzip") << true;
  }
  void idxRawAndGzipRoundTrip() {
    QFETCH(bool, gz);
    auto values = torch::arange(0, 2 * 3 * 4, torch::kLong).to(torch::kUInt8).view({2, 3, 4});
    const std::string path = dir() + (gz ? "/a.idx.gz" : "/a.idx");
    testutil::write_idx(path, values, gz);
    auto back = read_idx(path);
    QCOMPARE(back.sizes().vec(), (std::vector<int64_t>{2, 3, 4}));
    QVERIFY(torch::equal(back, values));
  }

  void idxPairGivesLabelsAndResizes() {
    const std::string sub = dir() + "/pair";
    std::filesystem::create_directories(sub);
    const std::string images = testutil::write_tiny_idx(sub, 30, true);
    auto ds = load_dataset({images, "train"}, 16);
    QCOMPARE(ds->size(), 30LL);
    QCOMPARE(ds->channels(), 1);
    QCOMPARE(ds->resolution(), 16);
    QCOMPARE(ds->num_classes(), 10);
    QCOMPARE(ds->labels()[13].item<int64_t>(), 3LL);
    // Area resizing 28 -> 16 (overlapping windows, as 28/16 is not whole) keeps the brightness close.
    auto raw = read_idx(images).to(torch::kFloat);
    GAN_COMPARE_NEAR(ds->images().to(torch::kFloat).mean().item<double>(), raw.mean().item<double>(), 0.05);
  }

  void fashionMnistFromTheDebianPackage() {
    if (!testutil::file_exists(fashion_mnist_dir() + "/t10k-images-idx3-ubyte.gz"))
      QSKIP("dataset-fashion-mnist is not installed");
    auto ds = load_dataset({"fashion-mnist", "test"}, 32);
    QCOMPARE(ds->size(), 10000LL);
    QCOMPARE(ds->images().sizes().vec(), (std::vector<int64_t>{10000, 1, 32, 32}));
    QCOMPARE(ds->num_classes(), 10);
    QCOMPARE(QString::fromStdString(ds->class_names()[9]), QString("Ankle boot"));
    // Every class has 1000 test images.
    QCOMPARE(torch::bincount(ds->labels()).min().item<int64_t>(), int64_t(1000));
    QVERIFY(testutil::error_of([] { load_dataset({"fashion-mnist", "validation"}, 32); }).contains("splits"));
  }

  // Attribute files (list_attr_celeba.txt format): the images beside the file with their 1/-1
  // attributes as 0/1 labels; a class filter keeps only the attributes named; a missing image is left
  // out with a warning; malformed lines are named.
  void attributeFilesGiveBinaryLabels() {
    const std::string root = dir() + "/celeb";
    std::filesystem::create_directories(root);
    for (int i = 0; i < 4; ++i) cv::imwrite(root + "/" + std::to_string(i) + ".png", cv::Mat(24, 20, CV_8UC3, cv::Scalar(10 * i, 0, 0)));
    std::ofstream(root + "/list_attr.txt") << "5\r\nSmiling Male  Young\r\n0.png 1 -1 1\r\n1.png -1 -1 -1\r\n\r\n"
                                              "2.png 1 1 -1\r\n3.png  -1 1 1\r\n9.png 1 1 1\r\n";
    auto d = load_dataset(parse_dataset(root + "/list_attr.txt"), 16);
    QVERIFY(d->attributes());
    QCOMPARE(d->class_names(), (std::vector<std::string>{"Smiling", "Male", "Young"}));
    QCOMPARE(d->size(), 4LL);  // 9.png is missing
    QCOMPARE(d->channels(), 3);
    QCOMPARE(d->resolution(), 16);
    QVERIFY(d->labels().equal(torch::tensor({{1, 0, 1}, {0, 0, 0}, {1, 1, 0}, {0, 1, 1}}, torch::kLong)));
    QCOMPARE(d->skipped(), 1LL);
    QVERIFY2(notes(*d).find("could not read 9.png") != std::string::npos, notes(*d).c_str());
    // Only some attributes, in the order asked for.
    auto two = load_dataset(parse_dataset(root + "/list_attr.txt:young,Smiling"), 16);
    QCOMPARE(two->class_names(), (std::vector<std::string>{"Young", "Smiling"}));
    QCOMPARE(two->size(), 4LL);
    QVERIFY(two->labels().equal(torch::tensor({{1, 1}, {0, 0}, {0, 1}, {1, 0}}, torch::kLong)));
    const QString unknown = testutil::error_of([&] { load_dataset(parse_dataset(root + "/list_attr.txt:Bald"), 16); });
    QVERIFY2(unknown.contains("'Bald' is not an attribute") && unknown.contains("Smiling, Male, Young"), qPrintable(unknown));
    // present_classes leaves attributes alone, and numbers the classes a filter kept from 0.
    QCOMPARE(present_classes(d).get(), d.get());
    auto picked = select_classes(testutil::labelled_dataset(40, 4), {"3", "1"});
    auto compact = present_classes(picked);
    QCOMPARE(compact->class_names(), (std::vector<std::string>{picked->class_names()[1], picked->class_names()[3]}));
    QCOMPARE(compact->labels().max().item<int64_t>(), 1);
    QVERIFY(compact->labels().eq(1).equal(picked->labels().eq(3)));
  }

  void malformedAttributeFilesNameTheLine_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no count") << "Smiling Male\na.png 1 1\n" << "line 1: the first line must be the number of images";
    QTest::newRow("too few") << "2\nSmiling Male\na.png 1 1\nb.png 1\n" << "line 4: expected a file name and 2 values, found 1";
    QTest::newRow("too many") << "1\nSmiling Male\na.png 1 1 -1\n" << "line 3: expected a file name and 2 values, found 3";
    QTest::newRow("bad value") << "1\nSmiling Male\na.png 1 yes\n" << "line 3: Male of a.png is 'yes'";
    QTest::newRow("twice") << "2\nA B\na.png 1 1\na.png 1 1\n" << "line 4: a.png is listed twice";
    QTest::newRow("short") << "3\nA B\na.png 1 1\n" << "the first line says 3 images, but 1 follow";
    QTest::newRow("long") << "1\nA B\na.png 1 1\nb.png 1 1\n" << "line 4: more images than the 1";
    QTest::newRow("no names") << "1\n" << "has no line of attribute names";
    QTest::newRow("empty") << "" << "is empty";
  }
  void malformedAttributeFilesNameTheLine() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    const std::string path = dir() + "/bad_attr.txt";
    std::ofstream(path) << text.toStdString();
    const QString err = testutil::error_of([&] { load_dataset(parse_dataset(path), 16); });
    QVERIFY2(err.contains(message) && err.contains("bad_attr.txt"), qPrintable(err));
  }

  void badIdxFilesGetClearMessages_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad magic") << QByteArray("\x12\x34\x08\x01\x00\x00\x00\x01\x05", 9) << "not an IDX file";
    QTest::newRow("truncated") << QByteArray("\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x01\x02", 18)
                               << "truncated";
    QTest::newRow("float IDX") << QByteArray("\x00\x00\x0d\x01\x00\x00\x00\x00", 8) << "unsigned-byte";
    QTest::newRow("empty") << QByteArray() << "not an IDX file";
  }
  void badIdxFilesGetClearMessages() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const std::string path = dir() + "/bad-images-idx3-ubyte";
    std::ofstream(path, std::ios::binary).write(bytes.constData(), bytes.size());
    const QString err = testutil::error_of([&] { load_dataset({path, "train"}, 16); });
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(err.contains("bad-images-idx3-ubyte"));  // the message names the file
  }

  void corruptGzipIsReported() {
    const std::string path = dir() + "/broken.gz";
    testutil::write_idx(path, torch::zeros({4, 28, 28}, torch::kUInt8), true);
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    const QString err = testutil::error_of([&] { read_idx(path); });
    QVERIFY2(err.contains("damaged") || err.contains("truncated"), qPrintable(err));
  }

  void missingFilesAndMismatchedLabels() {
    QVERIFY(testutil::error_of([&] { load_dataset({dir() + "/nothing-here", "train"}, 16); }).contains("not found"));
    const std::string sub = dir() + "/mismatch";
    std::filesystem::create_directories(sub);
    testutil::write_idx(sub + "/m-images-idx3-ubyte", torch::zeros({5, 28, 28}, torch::kUInt8));
    testutil::write_idx(sub + "/m-labels-idx1-ubyte", torch::zeros({4}, torch::kUInt8));
    QVERIFY(testutil::error_of([&] { load_dataset({sub + "/m-images-idx3-ubyte", "train"}, 16); }).contains("4 labels for 5 images"));
  }

  void folderOfMixedImages() {
    const std::string root = dir() + "/folder";
    std::filesystem::create_directories(root + "/cats");
    std::filesystem::create_directories(root + "/dogs");
    cv::imwrite(root + "/cats/grey.png", cv::Mat(40, 60, CV_8UC1, cv::Scalar(100)));
    cv::imwrite(root + "/cats/colour.jpg", cv::Mat(50, 30, CV_8UC3, cv::Scalar(255, 0, 0)));  // BGR: blue
    cv::imwrite(root + "/dogs/alpha.png", cv::Mat(20, 20, CV_8UC4, cv::Scalar(0, 0, 255, 128)));
    cv::imwrite(root + "/dogs/deep.png", cv::Mat(64, 64, CV_16UC1, cv::Scalar(65535)));
    std::ofstream(root + "/dogs/broken.png") << "not a png at all";
    std::ofstream(root + "/dogs/notes.txt") << "ignored";
    auto ds = load_dataset({root, "train"}, 16);
    QCOMPARE(ds->size(), 4LL);
    QCOMPARE(ds->skipped(), 1LL);
    QVERIFY(QString::fromStdString(ds->description()).contains("1 unreadable file(s) skipped"));
    QCOMPARE(ds->channels(), 3);  // one colour image makes the set RGB
    QCOMPARE(ds->resolution(), 16);
    QCOMPARE(ds->num_classes(), 2);
    // Sorted: cats/colour.jpg is image 0 and blue in RGB order; dogs/deep.png is 16-bit white.
    auto blue = ds->images()[0].to(torch::kFloat).mean({1, 2});
    QVERIFY(blue[2].item<float>() > 250 && blue[0].item<float>() < 5);
    QCOMPARE(ds->images()[3].min().item<int>(), 255);
    QCOMPARE(ds->labels()[3].item<int64_t>(), 1LL);
  }

  // Labels name the classes there are: a stray 255 among classes 0-9 is refused, naming the item, where
  // it once made 256 classes; a known dataset's labels must be among its classes.
  void strayLabelsAreRefused() {
    const std::string sub = dir() + "/stray";
    std::filesystem::create_directories(sub);
    auto labels = torch::arange(12, torch::kLong).remainder(3).to(torch::kUInt8);
    labels[7] = 255;
    testutil::write_idx(sub + "/s-images-idx3-ubyte", torch::zeros({12, 28, 28}, torch::kUInt8));
    testutil::write_idx(sub + "/s-labels-idx1-ubyte", labels);
    const QString err = testutil::error_of([&] { load_dataset({sub + "/s-images-idx3-ubyte", "train"}, 16); });
    QVERIFY2(err.contains("the labels go up to 255 (item 7), but no image has the label(s) 3, 4, 5, 6, 7, ... (252 in all)"),
             qPrintable(err));
    labels[7] = 2;
    testutil::write_idx(sub + "/s-labels-idx1-ubyte", labels);
    QCOMPARE(load_dataset({sub + "/s-images-idx3-ubyte", "train"}, 16)->num_classes(), 3);
  }

  // Files that stop early or hold more than they say, and what is not a regular file, are refused.
  void idxFilesMustHoldWhatTheySay() {
    const std::string extra = dir() + "/extra-images-idx3-ubyte";
    testutil::write_idx(extra, torch::zeros({2, 4, 4}, torch::kUInt8));
    std::ofstream(extra, std::ios::app | std::ios::binary) << "trailing";
    QVERIFY(testutil::error_of([&] { read_idx(extra); }).contains("holds more data than its header promises (32 values)"));
    QVERIFY(testutil::error_of([] { read_idx("/dev/zero"); }).contains("is a character device, not a regular file"));
    QVERIFY(testutil::error_of([&] { read_idx(dir()); }).contains("is a folder"));
    // A header that promises more than any dataset: refused before any allocation.
    const std::string huge = dir() + "/huge-images-idx3-ubyte";
    std::ofstream(huge, std::ios::binary).write("\x00\x00\x08\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
    QVERIFY(testutil::error_of([&] { read_idx(huge); }).contains("promises more than"));
  }

  // Images cut short are unreadable (not grey-filled images), and say why; a class folder with no
  // readable image is reported, not dropped silently.
  void cutImagesAndEmptyClassesAreReported() {
    const std::string root = dir() + "/cut";
    std::filesystem::create_directories(root + "/a");
    std::filesystem::create_directories(root + "/b");
    std::filesystem::create_directories(root + "/empty");
    std::filesystem::create_directories(root + "/.hidden");
    cv::Mat img(24, 24, CV_8UC3);
    cv::randu(img, 0, 255);
    cv::imwrite(root + "/a/whole.jpg", img);
    cv::imwrite(root + "/b/whole.png", img);
    std::vector<uchar> jpg, png;
    cv::imencode(".jpg", img, jpg);
    cv::imencode(".png", img, png);
    std::ofstream(root + "/a/cut.jpg", std::ios::binary).write(reinterpret_cast<const char*>(jpg.data()), jpg.size() * 2 / 3);
    std::ofstream(root + "/b/cut.png", std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size() - 20);
    QCOMPARE(incomplete_image(std::string(jpg.begin(), jpg.end())), std::string());
    QCOMPARE(incomplete_image(std::string(png.begin(), png.end())), std::string());
    auto ds = load_dataset({root, "train"}, 16);
    QCOMPARE(ds->size(), 2LL);
    QCOMPARE(ds->skipped(), 2LL);
    QCOMPARE(ds->num_classes(), 2);
    std::string all;
    for (const auto& w : ds->warnings()) all += w + "\n";
    QVERIFY2(all.find("a/cut.jpg (it is cut short (the JPEG has no end marker))") != std::string::npos, all.c_str());
    QVERIFY2(all.find("b/cut.png (it is cut short (the PNG has no IEND chunk))") != std::string::npos, all.c_str());
    QVERIFY2(all.find("the class folder 'empty' has no readable images: it is left out (2 classes remain)") != std::string::npos,
             all.c_str());
    QVERIFY(all.find("hidden") == std::string::npos);
    QVERIFY(testutil::error_of([&] { read_image(root + "/a/cut.jpg"); }).contains("cut.jpg is cut short"));
  }

  void folderWithoutImages() {
    const std::string empty = dir() + "/empty";
    std::filesystem::create_directories(empty);
    std::ofstream(empty + "/readme.txt") << "no images";
    QVERIFY(testutil::error_of([&] { load_dataset({empty, "train"}, 16); }).contains("has no images"));
    const std::string bad = dir() + "/allbad";
    std::filesystem::create_directories(bad);
    std::ofstream(bad + "/x.png") << "garbage";
    QVERIFY(testutil::error_of([&] { load_dataset({bad, "train"}, 16); }).contains("could be read"));
  }
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "test_datasets.moc"
