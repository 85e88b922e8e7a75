#pragma once
// The one place where the UI meets the engine. The header is free of LibTorch; the engine's
// callbacks arrive on its threads and are re-emitted here as queued signals carrying Qt values.
#include <QImage>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>

#include "models/params.h"
#include "ui/metric_plot.h"
#include "ui/training_controls.h"

namespace ui {

struct StatsPoint {
  qint64 step = 0;
  double stepMs = 0;
  double stepsPerSec = 0;
  QVector<QPair<QString, double>> scalars;
};

struct RunSummary {
  QString model, modelName, dataset, outDir;
  qint64 step = 0, totalSteps = 0, parameters = 0, latentDim = 0;
  int numClasses = 0;
  bool conditional = false;  // the generator takes a class: offer the class pickers
  QStringList classNames;
  bool truncation = false;
  bool trainable = true;     // false: a checkpoint opened for exploring only
  QStringList series;
  QVector<StatsPoint> history;
  QVector<MetricSample> metrics;  // the metric history a checkpoint brought along
  bool metricsOn = false;
  int metricsEvery = 0, metricsSamples = 2000;
  QString inceptionPath;
  gan::ParamSet params;
  QString dataSource, dataSplit;
  int sampleEvery = 0;
};

struct StartSpec {
  QString model;
  gan::ParamSet params;
  QString dataSource = "fashion-mnist", dataSplit = "train";
  qint64 steps = 1000;
  int sampleEvery = 50;
  int logEvery = 10;
  int checkpointEvery = 500;
  QString outDir;
  QString resumeFrom;  // continue this checkpoint instead of a new run
  int metricsEvery = 0;        // 0: no live metrics
  int metricsSamples = 2000;
  QString inceptionPath;       // empty: the dataset classifier
};

struct RenderSpec {
  bool grid = false;
  qint64 seedA = 1, seedB = 2;
  double t = 0;
  bool slerp = true;
  double truncation = 0;  // 0: off
  int label = -1;        // the class (-1: none, or for a conditional grid one row per class)
  int numClasses = 0;    // > 0 for conditional generators
  int gridCount = 64;
};

struct RenderedImage {
  bool grid = false;
  quint64 stamp = 0;
  QImage image;
  double renderMs = 0;
  qint64 generatorStep = -1;
  QString error;
};

class EngineBridge : public QObject {
  Q_OBJECT
 public:
  explicit EngineBridge(QObject* parent = nullptr);
  ~EngineBridge() override;

  bool start(const StartSpec& spec);          // false while a run is still loading or training
  bool openCheckpoint(const QString& path);   // false while busy
  void pause();
  void resume();
  void step();
  void stop();
  void save(const QString& path);
  quint64 requestRender(const RenderSpec& spec);  // latest wins; returns the request's stamp
  bool busy() const;
  // Problems with spec.params for spec.model (empty when fine): checked before anything starts.
  QStringList validate(const StartSpec& spec) const;

 signals:
  void stateChanged(ui::UiState state, const QString& message);
  void runReady(const ui::RunSummary& run);
  void statsArrived(const ui::StatsPoint& stats);
  void rendered(const ui::RenderedImage& image);
  void saved(const QString& path, qint64 step);
  void metricArrived(const ui::MetricSample& sample);
  void metricStatus(const QString& message, bool error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ui

Q_DECLARE_METATYPE(ui::StatsPoint)
Q_DECLARE_METATYPE(ui::RunSummary)
Q_DECLARE_METATYPE(ui::RenderedImage)
Q_DECLARE_METATYPE(ui::MetricSample)
