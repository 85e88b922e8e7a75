#pragma once
// The one place where the UI meets the engine. The header is free of LibTorch; the engine's
// callbacks arrive on its threads and are re-emitted here as queued signals carrying Qt values.
#include <QImage>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>

#include "models/core/capabilities.h"

namespace gan {
struct RenderRequest;
struct RenderResult;
}  // namespace gan
#include "models/core/params.h"
#include "ui/metric_plot.h"
#include "ui/training_controls.h"

namespace ui {

struct StatsPoint {
  qint64 step = 0;
  double stepMs = 0;
  double stepsPerSec = 0;
  QVector<QPair<QString, double>> scalars;
};

// A stream of the run and what it holds.
struct StreamSummary {
  QString name, label, data;
};

struct RunSummary {
  QString model, modelName, dataset, outDir;
  qint64 step = 0, totalSteps = 0, parameters = 0;
  int resolution = 0, channels = 0;  // the images the family takes and makes
  gan::Capabilities caps;    // the family's capabilities, whole: the panels and plots are built from them
  QVector<StreamSummary> streams;
  QStringList classNames;    // the run's classes (empty when unlabelled)
  bool attributes = false;   // the classNames are binary attributes (several per image)
  bool trainable = true;     // false: a checkpoint opened for exploring only
  QString generatorFile;     // a TorchScript generator opened for exploring: nothing to train or continue
  qint64 latentDim = 0;      // its latent size (its classes: classNames)
  QVector<StatsPoint> history;
  QVector<MetricSample> metrics;  // the metric history a checkpoint brought along
  bool metricsOn = false;
  int metricsEvery = 0, metricsSamples = 2000, metricsSwd = 0;
  QString inceptionPath;
  gan::ParamSet params;
  QMap<QString, QString> dataSources;  // stream -> "SOURCE[:CLASS,...]"
  QMap<QString, QString> dataSplits;   // stream -> "train" or "test"
  int sampleEvery = 0;
};

struct StartSpec {
  QString model;
  gan::ParamSet params;
  QMap<QString, QString> dataSources;  // stream -> "SOURCE[:CLASS,...]" (as the command line takes it)
  QMap<QString, QString> dataSplits;   // stream -> "train" or "test" (a built-in set's split); absent: train
  qint64 steps = 1000;
  int sampleEvery = 50;
  int logEvery = 10;
  int checkpointEvery = 500;
  QString outDir;
  QString resumeFrom;  // continue this checkpoint instead of a new run
  int metricsEvery = 0;        // 0: no live metrics
  int metricsSamples = 2000;
  int metricsSwd = 0;          // images for the sliced Wasserstein distance; 0: off
  QString inceptionPath;       // empty: the dataset classifier
  int processes = 1;           // local processes, data-parallel (this one is rank 0 and writes the run)
};

// A request of one panel: the sample grid (samples = true) or an explore panel (view = its id).
struct RenderSpec {
  QString panel;               // latest wins per panel
  bool samples = false;
  QString view;
  qint64 n = 64, seed = 20161119;  // samples
  QMap<QString, QString> values;
  QMap<QString, QVector<QImage>> images;
  // Set: the samples (values are their options: an interpolation's to_seed) are written as an animation
  // to this .gif or .mp4 instead of being shown; the result's text output "written" says what was written.
  QString animationPath;
  double fps = 12;
  bool bounce = false;
};

struct RenderedOutput {
  QString id;
  QImage image;   // image outputs
  QString text;   // text outputs
  bool isText = false;
};

struct RenderedResult {
  QString panel;
  quint64 stamp = 0;
  QVector<RenderedOutput> outputs;
  QVector<QPair<QString, double>> scalars;
  double renderMs = 0;
  qint64 generatorStep = -1;
  QString error;
  const RenderedOutput* output(const QString& id) const {
    for (const auto& o : outputs)
      if (o.id == id) return &o;
    return nullptr;
  }
};

// A fidelity-diversity sweep (engine/sweep_job): the held generator measured at each value of its
// family's truncation option.
struct SweepSpec {
  QString values = QStringLiteral("default");  // "default", "V1,V2,..." or "ID=V1,V2,..."
  qint64 n = 2000;                              // samples at each value
  QString data, split = QStringLiteral("train");  // the reference: "SOURCE[:CLASS,...]" and its split
  QString inception;                            // empty: the data's classifier
  // When no run is live, what is read: a checkpoint, or a TorchScript generator with its latent size
  // and classes. While a run is live its generator is copied between steps instead.
  QString checkpoint, generator;
  qint64 latentDim = 0;
  int classes = 0;
};

enum class MessageLevel { Info, Warning, Error };

// The built-in datasets (name, title and class names), for the data pickers.
struct BuiltinData {
  QString name, title;
  QStringList classes;
};
QVector<BuiltinData> builtinData();
// Between the engine's render requests and results and the GUI's values.
gan::RenderRequest toRequest(const RenderSpec& spec);
RenderedResult toRendered(const gan::RenderResult& result);

// "SOURCE[:CLASS,...]" split as the engine reads it: the source, and the classes ("" for all).
QPair<QString, QString> splitDataSpec(const QString& spec);

class EngineBridge : public QObject {
  Q_OBJECT
 public:
  explicit EngineBridge(QObject* parent = nullptr);
  ~EngineBridge() override;

  bool start(const StartSpec& spec);          // false while a run is still loading or training
  bool openCheckpoint(const QString& path);   // false while busy
  // A generator trained elsewhere (engine/source): false while busy; a bad file fails with its reason.
  bool openGenerator(const QString& path, qint64 latentDim, int classes);
  void pause();
  void resume();
  void step();
  void stop();
  void discard();  // ends the run without its last save (Quit without saving)
  void save(const QString& path);
  quint64 requestRender(const RenderSpec& spec);  // latest wins per panel; returns the request's stamp
  void clearPanels();                             // forget the panels' requests (other panels now)
  // Translates image files (a folder: every image in it) into `outDir` with the held model, on the
  // explorer's thread: translateProgress as it goes, then a rendered result for the panel
  // kTranslatePanel (its text output "written", or its error: "cancelled" after cancelTranslation).
  // False, with `why`, when the inputs cannot be listed.
  // `options`: the family's translate options (Capabilities::translate_options) by id.
  bool translateFiles(const QStringList& inputs, const QString& outDir, const QMap<QString, QString>& options,
                      int resolution, int channels, QString* why);
  void cancelTranslation();
  // Starts a sweep: sweepStarted, sweepProgress and a sweepPoint per value, then sweepDone. False, with
  // `why`, while one runs or when there is nothing to measure.
  bool startSweep(const SweepSpec& spec, QString* why);
  void cancelSweep();
  bool sweeping() const;
  static inline const QString kTranslatePanel = QStringLiteral("translate-files");
  bool busy() const;
  // Problems with spec.params for spec.model (empty when fine): checked before anything starts.
  QStringList validate(const StartSpec& spec) const;

 signals:
  void stateChanged(ui::UiState state, const QString& status);
  void message(ui::MessageLevel level, const QString& text);
  void runReady(const ui::RunSummary& run);
  void statsArrived(const ui::StatsPoint& stats);
  void rendered(const ui::RenderedResult& result);
  void saved(const QString& path, qint64 step);
  void loadProgress(const QString& what, qint64 done, qint64 total);  // while the data are read
  // The run's checkpoint could not be written (a full disk): the run is paused and not saved.
  void saveFailed(const QString& text);
  void metricArrived(const ui::MetricSample& sample);
  void metricStatus(ui::MessageLevel level, const QString& message);
  void translateProgress(qint64 done, qint64 total);
  void sweepStarted(const QString& label, const QStringList& values);  // the option's label and its values
  void sweepProgress(const QString& what);
  void sweepPoint(const QString& value, const ui::MetricSample& sample);
  // error: empty when every value was measured, "cancelled", or the reason; json: the points (to save).
  void sweepDone(const QString& error, const QString& json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ui

Q_DECLARE_METATYPE(ui::StatsPoint)
Q_DECLARE_METATYPE(ui::RunSummary)
Q_DECLARE_METATYPE(ui::RenderedResult)
Q_DECLARE_METATYPE(ui::MessageLevel)
Q_DECLARE_METATYPE(ui::MetricSample)
