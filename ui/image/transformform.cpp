#include "image/transformform.h"

#include "appsettings.h"
#include "image/imagequery.h"
#include "panel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace edgedesk {

TransformForm::TransformForm(QWidget *parent) : QWidget(parent)
{
    auto *controls = new QGridLayout(this);
    controls->setContentsMargins(0, 0, 0, 0);
    controls->setHorizontalSpacing(8);
    auto addField = [&](int row, int column, const QString &caption, QWidget *field) {
        auto *label = new QLabel(caption, this);
        label->setBuddy(field);
        controls->addWidget(label, row, column * 2, Qt::AlignRight);
        controls->addWidget(field, row, column * 2 + 1);
    };
    auto size = [this](const char *name) {
        auto *spin = new QSpinBox(this);
        spin->setObjectName(QLatin1String(name));
        spin->setRange(0, 4096);
        spin->setSpecialValueText(tr("auto"));
        spin->setSuffix(tr(" px"));
        return spin;
    };
    m_width = size("imageWidth");
    m_width->setValue(300);
    m_height = size("imageHeight");
    m_height->setValue(200);
    m_fit = new QComboBox(this);
    m_fit->setObjectName(QStringLiteral("imageFit"));
    m_fit->addItems({QStringLiteral("scale-down"), QStringLiteral("contain"),
                     QStringLiteral("cover"), QStringLiteral("crop"), QStringLiteral("pad"),
                     QStringLiteral("squeeze")});
    m_fit->setToolTip(tr("scale-down and contain keep the whole image; cover and crop fill the "
                         "box and cut; pad adds borders; squeeze stretches"));
    m_gravity = new QComboBox(this);
    m_gravity->setObjectName(QStringLiteral("imageGravity"));
    m_gravity->addItems({QStringLiteral("auto"), QStringLiteral("center"), QStringLiteral("top"),
                         QStringLiteral("bottom"), QStringLiteral("left"),
                         QStringLiteral("right")});
    m_gravity->setToolTip(tr("Which part of the image cover and crop keep"));
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("imageFormat"));
    m_format->addItem(tr("as original"), QString());
    for (const QString &f : {QStringLiteral("auto"), QStringLiteral("webp"), QStringLiteral("avif"),
                             QStringLiteral("jpeg"), QStringLiteral("png")})
        m_format->addItem(f, f);
    m_format->setToolTip(tr("auto picks AVIF, then WebP, then JPEG from the Accept header"));
    m_quality = new QSpinBox(this);
    m_quality->setObjectName(QStringLiteral("imageQuality"));
    m_quality->setRange(0, 100);
    m_quality->setSpecialValueText(tr("default"));
    m_quality->setValue(85);
    m_quality->setToolTip(tr("1–100 for JPEG, WebP and AVIF"));
    addField(0, 0, tr("Width"), m_width);
    addField(0, 1, tr("Height"), m_height);
    addField(0, 2, tr("Fit"), m_fit);
    addField(1, 0, tr("Format"), m_format);
    addField(1, 1, tr("Quality"), m_quality);
    addField(1, 2, tr("Gravity"), m_gravity);
    m_transform = new QPushButton(Panel::themedIcon(QStringLiteral("play")), tr("Transform"), this);
    m_transform->setObjectName(QStringLiteral("imageTransform"));
    m_transform->setToolTip(
        tr("Request the image with these settings (Ctrl+Enter; Esc cancels a slow one)"));
    m_transform->setDefault(true);
    m_save =
        new QPushButton(Panel::themedIcon(QStringLiteral("download")), tr("Save result…"), this);
    m_save->setObjectName(QStringLiteral("imageSave"));
    m_save->setToolTip(tr("Save the transformed image to a file (Ctrl+S)"));
    m_save->setEnabled(false);
    controls->addWidget(m_transform, 0, 6);
    controls->addWidget(m_save, 1, 6);
    controls->setColumnStretch(7, 1);

    for (QSpinBox *spin : {m_width, m_height, m_quality})
        connect(spin, &QSpinBox::valueChanged, this, &TransformForm::changed);
    for (QComboBox *combo : {m_fit, m_gravity, m_format})
        connect(combo, &QComboBox::currentIndexChanged, this, &TransformForm::changed);
    connect(m_transform, &QPushButton::clicked, this, &TransformForm::transformRequested);
    connect(m_save, &QPushButton::clicked, this, &TransformForm::saveRequested);
}

QString TransformForm::transformPath(const QString &key) const
{
    QList<QPair<QString, QString>> q;
    if (!key.isEmpty())
        q.append({QStringLiteral("key"), key});
    if (m_width->value() > 0)
        q.append({QStringLiteral("width"), QString::number(m_width->value())});
    if (m_height->value() > 0)
        q.append({QStringLiteral("height"), QString::number(m_height->value())});
    q.append({QStringLiteral("fit"), m_fit->currentText()});
    if (m_gravity->currentText() != QLatin1String("auto"))
        q.append({QStringLiteral("gravity"), m_gravity->currentText()});
    if (const QString f = format(); !f.isEmpty())
        q.append({QStringLiteral("format"), f});
    if (m_quality->value() > 0)
        q.append({QStringLiteral("quality"), QString::number(m_quality->value())});
    return imageQuery(q);
}

QString TransformForm::format() const
{
    return m_format->currentData().toString();
}

void TransformForm::setSaveEnabled(bool enabled)
{
    m_save->setEnabled(enabled);
}

void TransformForm::restore(AppSettings *s, const QString &panel)
{
    const QSignalBlocker b1(m_width), b2(m_height), b3(m_fit), b4(m_gravity), b5(m_format),
        b6(m_quality);
    m_width->setValue(s->panelValue(panel, QStringLiteral("width"), 300).toInt());
    m_height->setValue(s->panelValue(panel, QStringLiteral("height"), 200).toInt());
    m_fit->setCurrentText(
        s->panelValue(panel, QStringLiteral("fit"), QStringLiteral("scale-down")).toString());
    m_gravity->setCurrentText(
        s->panelValue(panel, QStringLiteral("gravity"), QStringLiteral("auto")).toString());
    const int f =
        m_format->findData(s->panelValue(panel, QStringLiteral("format"), QString()).toString());
    m_format->setCurrentIndex(qMax(0, f));
    m_quality->setValue(s->panelValue(panel, QStringLiteral("quality"), 85).toInt());
}

void TransformForm::save(AppSettings *s, const QString &panel) const
{
    s->setPanelValue(panel, QStringLiteral("width"), m_width->value());
    s->setPanelValue(panel, QStringLiteral("height"), m_height->value());
    s->setPanelValue(panel, QStringLiteral("fit"), m_fit->currentText());
    s->setPanelValue(panel, QStringLiteral("gravity"), m_gravity->currentText());
    s->setPanelValue(panel, QStringLiteral("format"), format());
    s->setPanelValue(panel, QStringLiteral("quality"), m_quality->value());
}

} // namespace edgedesk
