#include "ui/app_settings.h"

#include <QDir>
#include <QFileInfo>

namespace ui {

std::unique_ptr<QSettings> appSettings() {
  return std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("gan-explorer"),
                                     QStringLiteral("gan-explorer"));
}

QString rememberedFolder(const QString& key, const QString& fallback) {
  const QString dir = appSettings()->value(key).toString();
  return !dir.isEmpty() && QDir(dir).exists() ? dir : fallback;
}

void rememberFolderOf(const QString& key, const QString& path) {
  if (path.isEmpty()) return;
  appSettings()->setValue(key, QFileInfo(path).absolutePath());
}

}  // namespace ui
