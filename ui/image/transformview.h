#pragma once

#include "widgets/messagebanner.h"

#include <QWidget>

class QLabel;

namespace edgedesk {

class ElapsedIndicator;
class ImagePreview;
class StatusBadge;

// What a transform gave: the answer's status, cache state, transform and total times, the
// server's message when it failed, and the original and the result side by side, each with its
// dimensions, size and type.
class TransformView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransformView)

public:
    explicit TransformView(QWidget *parent);

    void showRunning();
    void showCancelled();
    // The answer arrived: its HTTP status (0: none) and how long it took.
    void showAnswer(int status, qint64 totalMs);
    // `cache` and `transformMs` as the X-EdgeDesk-Image and -Transform-Ms headers say (empty: —).
    void showTimes(const QString &cache, const QString &transformMs);
    void showFailure(const QString &message);
    void showMessage(MessageBanner::Tone tone, const QString &text);
    void clearMessage();

    // "640×480 · 12.3 KiB · image/png" under each preview.
    void setOriginalInfo(const QString &text);
    void setResultInfo(const QString &text);
    ImagePreview *original() const { return m_original; }
    ImagePreview *result() const { return m_result; }

private:
    StatusBadge *m_status = nullptr;
    QLabel *m_cache = nullptr;
    QLabel *m_transformTime = nullptr;
    QLabel *m_totalTime = nullptr;
    ElapsedIndicator *m_busy = nullptr;
    MessageBanner *m_message = nullptr;
    QLabel *m_originalInfo = nullptr;
    QLabel *m_resultInfo = nullptr;
    ImagePreview *m_original = nullptr;
    ImagePreview *m_result = nullptr;
};

} // namespace edgedesk
