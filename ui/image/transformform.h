#pragma once

#include <QWidget>

class QComboBox;
class QPushButton;
class QSpinBox;

namespace edgedesk {

class AppSettings;

// The transform an /image request asks for: width, height, fit, gravity, format and quality,
// with the Transform and Save result buttons. Inputs are kept between runs.
class TransformForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransformForm)

public:
    explicit TransformForm(QWidget *parent);

    // The /image request for `key` with these settings.
    QString transformPath(const QString &key) const;
    // The format asked for: empty ("as original"), "auto", "webp", ...
    QString format() const;
    void setSaveEnabled(bool enabled);

    void restore(AppSettings *settings, const QString &panel);
    void save(AppSettings *settings, const QString &panel) const;

Q_SIGNALS:
    // A control changed (the panel transforms again after a pause).
    void changed();
    void transformRequested();
    void saveRequested();

private:
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QComboBox *m_fit = nullptr;
    QComboBox *m_gravity = nullptr;
    QComboBox *m_format = nullptr;
    QSpinBox *m_quality = nullptr;
    QPushButton *m_transform = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace edgedesk
