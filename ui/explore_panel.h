#pragma once
// One of a family's explore panels, built from its declaration (gan::ViewSpec): its controls above,
// its outputs side by side below (images with their labels, text), then its scalars and how long the
// render took. Every control change emits requestChanged(); results come back through setResult().
#include <QImage>
#include <QMap>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "models/core/capabilities.h"
#include "ui/engine_bridge.h"

class QLabel;

namespace ui {

class ControlPanel;
class ImageView;

class ExplorePanel : public QWidget {
  Q_OBJECT
 public:
  explicit ExplorePanel(const gan::ViewSpec& view, QWidget* parent = nullptr);

  QString viewId() const { return id_; }
  QString title() const { return title_; }
  ControlPanel* controls() const { return controls_; }
  // The request its controls make (panel = view = its id).
  RenderSpec request() const;
  // A result of this panel: older stamps than the one shown are dropped (false).
  bool setResult(const RenderedResult& r);
  // Shown over every image output ("No model yet", an error); empty removes it.
  void setMessage(const QString& message);
  QImage outputImage(const QString& id) const;
  QString outputText(const QString& id) const;
  QString info() const;
  qint64 step() const { return step_; }
  // The stamp of the panel's latest request (set by whoever sends it) and of the result shown: the result
  // of the latest request is shown once shownStamp() >= requestedStamp().
  void setRequestedStamp(quint64 stamp) { requested_ = stamp; }
  quint64 requestedStamp() const { return requested_; }
  quint64 shownStamp() const { return shown_; }
  ImageView* imageView(const QString& id) const { return images_.value(id); }

 signals:
  void requestChanged();

 public slots:
  // A click on an image output at (x, y) in [0, 1]: sets the view's Point controls to it.
  void pointAt(QPointF at);

 private:
  QStringList points_;  // the ids of its Point controls
  QString id_, title_;
  ControlPanel* controls_ = nullptr;
  QMap<QString, ImageView*> images_;
  QMap<QString, QLabel*> texts_;
  QLabel* info_ = nullptr;
  quint64 shown_ = 0;
  quint64 requested_ = 0;
  qint64 step_ = -1;
};

}  // namespace ui
