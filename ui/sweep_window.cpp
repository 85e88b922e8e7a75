#include "ui/sweep_window.h"

#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "ui/app_settings.h"

namespace ui {

namespace {
QString number(double v, int digits) { return std::isfinite(v) ? MetricPlot::formatMetric(v, digits) : QStringLiteral("–"); }
}  // namespace

SweepWindow::SweepWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
  setWindowTitle(tr("Fidelity–diversity"));
  subject_ = new QLabel(this);
  subject_->setWordWrap(true);
  values_ = new QLineEdit(this);
  values_->setToolTip(tr("Values of the truncation option, from the least truncated to the most, separated by commas "
                         "(\"off\" switches an optional slider off); empty: the family's default sweep. ID=V1,V2 "
                         "sweeps another sample option."));
  samples_ = new QSpinBox(this);
  samples_->setRange(10, 50000);
  samples_->setSingleStep(500);
  samples_->setValue(2000);
  samples_->setToolTip(tr("Generated images at each value (the same latents at every value); the reference set "
                          "is the run's data"));
  compute_ = new QPushButton(tr("Compute"), this);
  save_ = new QPushButton(tr("Save JSON…"), this);
  save_->setEnabled(false);
  status_ = new QLabel(tr("Press Compute: each value takes a metric evaluation."), this);
  status_->setWordWrap(true);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumSize(420, 260);
  plot_->xAxis->setLabel(tr("IS (higher: confident, varied classes)"));
  plot_->yAxis->setLabel(tr("FID (lower: closer to the data)"));
  curve_ = new QCPCurve(plot_->xAxis, plot_->yAxis);  // a curve, not a graph: joined in sweep order
  curve_->setPen(QPen(QColor(31, 119, 180), 1.5));
  curve_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(31, 119, 180), 7));
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
    int best = -1;
    double best_d = 12 * 12;
    for (int i = 0; i < points_.size(); ++i) {
      const auto& s = points_[i].second;
      if (!std::isfinite(s.isMean) || !std::isfinite(s.fid)) continue;
      const double dx = plot_->xAxis->coordToPixel(s.isMean) - e->position().x();
      const double dy = plot_->yAxis->coordToPixel(s.fid) - e->position().y();
      if (dx * dx + dy * dy < best_d) best_d = dx * dx + dy * dy, best = i;
    }
    if (best < 0) {
      QToolTip::hideText();
      return;
    }
    QStringList lines = MetricPlot::describeSample(points_[best].second);
    lines.prepend(label_ + ' ' + points_[best].first);
    QToolTip::showText(e->globalPosition().toPoint(), lines.join('\n'), plot_);
  });

  table_ = new QTableWidget(0, 5, this);
  table_->setHorizontalHeaderLabels({label_, tr("FID"), tr("KID"), tr("IS"), tr("MS-SSIM")});
  table_->horizontalHeaderItem(4)->setToolTip(tr("Mean MS-SSIM among pairs of generated images: higher is less varied"));
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->setMinimumHeight(150);
  measured_ = new QLabel(this);
  measured_->setWordWrap(true);
  measured_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* form = new QFormLayout;
  form->addRow(tr("Values"), values_);
  form->addRow(tr("Samples per value"), samples_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(status_, 1);
  buttons->addWidget(compute_);
  buttons->addWidget(save_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(subject_);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(plot_, 3);
  layout->addWidget(table_, 2);
  layout->addWidget(measured_);
  resize(640, 720);

  connect(compute_, &QPushButton::clicked, this, [this] {
    if (running_) {
      emit cancelRequested();
      status_->setText(tr("Cancelling after the value being measured…"));
      return;
    }
    emit computeRequested(values(), samples());
  });
  connect(save_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the sweep"),
                                                      rememberedFolder("dirs/images", QDir::homePath()) + "/sweep.json",
                                                      tr("JSON (*.json)"), nullptr, QFileDialog::DontUseNativeDialog);
    if (!path.isEmpty() && saveJson(path)) rememberFolderOf("dirs/images", path);
  });
}

void SweepWindow::setSubject(const QString& what, const QString& label, const QStringList& defaults,
                             const QString& reference) {
  const bool other = label != label_ || what != what_;
  what_ = what;
  subject_->setText(tr("<b>%1</b>: FID, KID, IS and MS-SSIM at each value of <b>%2</b>, against %3.")
                        .arg(what.toHtmlEscaped(), label.toHtmlEscaped(), reference.toHtmlEscaped()));
  label_ = label;
  values_->setPlaceholderText(defaults.join(", "));
  table_->setHorizontalHeaderItem(0, new QTableWidgetItem(label));
  if (other && !running_) {
    points_.clear();
    json_.clear();
    save_->setEnabled(false);
    replot();
  }
}

void SweepWindow::setSamples(int n) { samples_->setValue(n); }
int SweepWindow::samples() const { return samples_->value(); }
QString SweepWindow::values() const {
  const QString t = values_->text().trimmed();
  return t.isEmpty() ? QStringLiteral("default") : t;
}
void SweepWindow::setValues(const QString& text) { values_->setText(text == "default" ? QString() : text); }
QString SweepWindow::status() const { return status_->text(); }

void SweepWindow::setRunning(bool running) {
  running_ = running;
  compute_->setText(running ? tr("Cancel") : tr("Compute"));
  values_->setEnabled(!running);
  samples_->setEnabled(!running);
  save_->setEnabled(!running && !json_.isEmpty() && !points_.isEmpty());
}

void SweepWindow::started(const QString& label, const QStringList& values) {
  label_ = label;
  table_->setHorizontalHeaderItem(0, new QTableWidgetItem(label));
  points_.clear();
  json_.clear();
  replot();
  setRunning(true);
  status_->setText(tr("Measuring %1 at %2").arg(label, values.join(", ")));
}

void SweepWindow::progress(const QString& what) {
  if (!running_) setRunning(true);
  status_->setText(what);
}

void SweepWindow::addPoint(const QString& value, const MetricSample& sample) {
  points_.append({value, sample});
  replot();
}

void SweepWindow::finished(const QString& error, const QString& json) {
  json_ = json;
  setRunning(false);
  if (error.isEmpty()) status_->setText(tr("Done: %n value(s) measured.", nullptr, int(points_.size())));
  else if (error == QLatin1String("cancelled"))
    status_->setText(tr("Cancelled: %n value(s) measured.", nullptr, int(points_.size())));
  else status_->setText(tr("Stopped: %1").arg(error));
}

void SweepWindow::failedToStart(const QString& why) {
  setRunning(false);
  status_->setText(why);
}

bool SweepWindow::saveJson(const QString& path) {
  QSaveFile f(path);
  if (json_.isEmpty() || !f.open(QIODevice::WriteOnly) || f.write(json_.toUtf8()) < 0 || !f.commit()) {
    status_->setText(json_.isEmpty() ? tr("Nothing measured to save.")
                                     : tr("Could not write %1: %2").arg(path, f.errorString()));
    return false;
  }
  status_->setText(tr("Saved %1").arg(path));
  return true;
}

void SweepWindow::replot() {
  QVector<double> t, x, y;
  plot_->clearItems();
  table_->setRowCount(0);
  QString extractor, reference;
  qint64 n_real = 0, n_fake = 0, step = -1;
  for (int i = 0; i < points_.size(); ++i) {
    const auto& [value, s] = points_[i];
    const QString tip = (QStringList{label_ + ' ' + value} + MetricPlot::describeSample(s)).join('\n');
    table_->insertRow(i);
    const QStringList cells = {value, number(s.fid, 4),
                               std::isfinite(s.kidStd) ? number(s.kidMean, 4) + QString::fromUtf8(" ± ") + number(s.kidStd, 2)
                                                       : number(s.kidMean, 4),
                               number(s.isMean, 4) + (std::isfinite(s.isStd) ? QString::fromUtf8(" ± ") + number(s.isStd, 2) : QString()),
                               number(s.msSsim, 3)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      item->setToolTip(tip);
      table_->setItem(i, c, item);
    }
    extractor = s.extractor;
    reference = s.reference;
    n_real = s.nReal;
    n_fake = s.nFake;
    step = s.step;
    if (!std::isfinite(s.isMean) || !std::isfinite(s.fid)) continue;
    t << x.size();
    x << s.isMean;
    y << s.fid;
    auto* text = new QCPItemText(plot_);
    text->position->setType(QCPItemPosition::ptPlotCoords);
    text->position->setCoords(s.isMean, s.fid);
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    text->setPadding(QMargins(6, 0, 0, 4));
    text->setText(value);
  }
  curve_->setData(t, x, y);
  if (!x.isEmpty()) {
    const auto [xmin, xmax] = std::minmax_element(x.begin(), x.end());
    const auto [ymin, ymax] = std::minmax_element(y.begin(), y.end());
    const double xs = std::max(0.1, (*xmax - *xmin) * 0.15), ys = std::max(1.0, (*ymax - *ymin) * 0.15);
    plot_->xAxis->setRange(*xmin - xs, *xmax + xs * 2);  // room for the labels on the right
    plot_->yAxis->setRange(*ymin - ys, *ymax + ys * 1.5);
  }
  plot_->replot();
  measured_->setText(points_.isEmpty()
                         ? QString()
                         : tr("Measured at step %1 with %2; reference %3; %4 real and %5 generated images per value, "
                              "the same latents at every value. Hover a point or a row for the rest.")
                               .arg(step)
                               .arg(extractor, reference)
                               .arg(n_real)
                               .arg(n_fake));
}

}  // namespace ui
