#pragma once
// Fidelity against diversity: the held model measured at each value of its family's truncation option
// (EngineBridge::startSweep, on a worker), drawn as IS against FID with each point labelled with its
// value, and listed in a table with KID and the MS-SSIM among samples. Each point's tooltip and row say
// how it was measured (the extractor, the reference, the sample counts). The points can be saved as the
// JSON `gan-explorer metrics --sweep --json` writes.
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "ui/metric_plot.h"

class QCPCurve;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace ui {

class SweepWindow : public QWidget {
  Q_OBJECT
 public:
  explicit SweepWindow(QWidget* parent = nullptr);

  // What is measured ("BigGAN at step 3000"), the truncation option's label, its default values, and the
  // reference ("fashion-mnist train, the dataset classifier"). Clears the points of another model.
  void setSubject(const QString& what, const QString& label, const QStringList& defaults, const QString& reference);
  void setSamples(int n);
  int samples() const;
  QString values() const;  // as parse_sweep takes them: "default" when the field is left empty
  void setValues(const QString& text);

  // From the bridge.
  void started(const QString& label, const QStringList& values);
  void progress(const QString& what);
  void addPoint(const QString& value, const MetricSample& sample);
  void finished(const QString& error, const QString& json);
  void failedToStart(const QString& why);

  bool running() const { return running_; }
  const QVector<QPair<QString, MetricSample>>& points() const { return points_; }
  QString status() const;
  QString json() const { return json_; }
  bool saveJson(const QString& path);  // false, with status() saying why, when it could not be written
  QCustomPlot* plot() const { return plot_; }
  QTableWidget* table() const { return table_; }
  QPushButton* computeButton() const { return compute_; }

 signals:
  void computeRequested(const QString& values, qint64 n);
  void cancelRequested();

 private:
  void replot();
  void setRunning(bool running);
  QLabel* subject_ = nullptr;
  QLineEdit* values_ = nullptr;
  QSpinBox* samples_ = nullptr;
  QPushButton* compute_ = nullptr;
  QPushButton* save_ = nullptr;
  QLabel* status_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPCurve* curve_ = nullptr;
  QTableWidget* table_ = nullptr;
  QLabel* measured_ = nullptr;
  QString label_ = QStringLiteral("Truncation");
  QString what_;  // what setSubject last named
  QVector<QPair<QString, MetricSample>> points_;
  QString json_;
  bool running_ = false;
};

}  // namespace ui
