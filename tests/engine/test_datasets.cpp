// engine/: the IDX and image-folder readers, on small files made here, bad inputs included.
#include <QtTest>

#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "engine/dataset.h"
#include "tests/support/test_util.h"

using namespace gan;

class TestDatasets : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }


 private slots:
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
