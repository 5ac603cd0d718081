#include "image/transformview.h"

#include "widgets/displayformat.h"
#include "widgets/elapsedindicator.h"
#include "widgets/imagepreview.h"
#include "widgets/labels.h"
#include "widgets/statusbadge.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace edgedesk {

TransformView::TransformView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *summary = new QHBoxLayout;
    summary->setSpacing(6);
    m_status = new StatusBadge(this);
    m_status->setObjectName(QStringLiteral("imageStatus"));
    summary->addWidget(m_status);
    m_cache = addCaptionedValue(summary, tr("Cache"), QStringLiteral("imageCache"), this);
    m_transformTime =
        addCaptionedValue(summary, tr("Transform"), QStringLiteral("imageTransformTime"), this);
    m_totalTime = addCaptionedValue(summary, tr("Total"), QStringLiteral("imageTotalTime"), this);
    summary->addSpacing(10);
    m_busy = new ElapsedIndicator(this);
    summary->addWidget(m_busy);
    summary->addStretch(1);
    layout->addLayout(summary);
    m_message = new MessageBanner(this);
    m_message->setObjectName(QStringLiteral("imageError"));
    layout->addWidget(m_message);

    auto *previews = new QGridLayout;
    previews->setHorizontalSpacing(12);
    auto head = [this, previews](const QString &title, QLabel **info, const QString &name,
                                 int column) {
        auto *label = new QLabel(title, this);
        QFont bold = label->font();
        bold.setWeight(QFont::DemiBold);
        label->setFont(bold);
        *info = makeMutedLabel(QStringLiteral("—"), this);
        (*info)->setObjectName(name);
        auto *row = new QHBoxLayout;
        row->addWidget(label);
        row->addSpacing(8);
        row->addWidget(*info, 1);
        previews->addLayout(row, 0, column);
    };
    head(tr("Original"), &m_originalInfo, QStringLiteral("imageOriginalInfo"), 0);
    head(tr("Result"), &m_resultInfo, QStringLiteral("imageResultInfo"), 1);
    m_original = new ImagePreview(this);
    m_original->setObjectName(QStringLiteral("imageOriginal"));
    m_result = new ImagePreview(this);
    m_result->setObjectName(QStringLiteral("imageResult"));
    m_original->clear(tr("Pick an image on the left"));
    m_result->clear(tr("The transformed image appears here"));
    previews->addWidget(m_original, 1, 0);
    previews->addWidget(m_result, 1, 1);
    previews->setRowStretch(1, 1);
    previews->setColumnStretch(0, 1);
    previews->setColumnStretch(1, 1);
    layout->addLayout(previews, 1);
}

void TransformView::showRunning()
{
    m_message->clear();
    m_status->set(tr("loading"), StatusBadge::Tone::Busy);
    m_busy->start(tr("Transforming…"));
}

void TransformView::showCancelled()
{
    m_busy->stop();
    m_status->set(tr("cancelled"), StatusBadge::Tone::Neutral);
}

void TransformView::showAnswer(int status, qint64 totalMs)
{
    m_busy->stop();
    m_status->set(DisplayFormat::httpStatus(status), StatusBadge::toneForHttpStatus(status));
    m_totalTime->setText(DisplayFormat::duration(double(totalMs)));
}

void TransformView::showTimes(const QString &cache, const QString &transformMs)
{
    m_cache->setText(cache.isEmpty() ? QStringLiteral("—") : cache);
    // A cache hit transformed nothing now: the stored time belongs to the first request, so it
    // is shown as such instead of beside a total shorter than it.
    const bool hit = cache == QLatin1String("hit");
    if (transformMs.isEmpty())
        m_transformTime->setText(QStringLiteral("—"));
    else if (hit)
        m_transformTime->setText(tr("none (cached; first took %1)")
                                     .arg(DisplayFormat::duration(transformMs.toDouble())));
    else
        m_transformTime->setText(DisplayFormat::duration(transformMs.toDouble()));
}

void TransformView::showFailure(const QString &message)
{
    m_message->showMessage(MessageBanner::Tone::Error, message);
    showTimes(QString(), QString());
    m_result->clear(tr("No result"));
    m_resultInfo->setText(QStringLiteral("—"));
}

void TransformView::showMessage(MessageBanner::Tone tone, const QString &text)
{
    m_message->showMessage(tone, text);
}

void TransformView::clearMessage()
{
    m_message->clear();
}

void TransformView::setOriginalInfo(const QString &text)
{
    m_originalInfo->setText(text);
}

void TransformView::setResultInfo(const QString &text)
{
    m_resultInfo->setText(text);
}

} // namespace edgedesk
