#include "widgets/curlbar.h"

#include "panel.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextDocument>
#include <QTextLayout>
#include <QTimer>
#include <QToolButton>

#include <cmath>

namespace edgedesk {

CurlBar::CurlBar(QWidget *parent)
    : QWidget(parent), m_text(new QPlainTextEdit(this)), m_copy(new QToolButton(this))
{
    auto *prompt = new QLabel(QStringLiteral("$"), this);
    prompt->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setObjectName(QStringLiteral("curlText"));
    m_text->setReadOnly(true);
    m_text->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_text->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_text->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_text->setTabChangesFocus(true);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_text->setAccessibleName(tr("curl command"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(tr("The curl command for the request appears here"));
    m_text->setToolTip(tr("The same request from a terminal"));
    m_copy->setObjectName(QStringLiteral("curlCopy"));
    m_copy->setIcon(Panel::themedIcon(QStringLiteral("copy")));
    m_copy->setText(tr("Copy as curl"));
    m_copy->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copy->setEnabled(false);
    // As wide as its widest label, so that "Copied" does not shift the command field.
    m_copy->setMinimumWidth(m_copy->sizeHint().width());

    // As tall as the command, never more: the layout around it keeps any extra height.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    // The "$" on the command's first line.
    const int inset = m_text->frameWidth() + int(m_text->document()->documentMargin());
    prompt->setContentsMargins(0, inset, 0, 0);
    layout->addWidget(prompt, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_copy, 0, Qt::AlignTop);
    fitHeight();

    connect(m_copy, &QToolButton::clicked, this, &CurlBar::copy);
}

void CurlBar::setCommand(const QString &command)
{
    if (m_text->toPlainText() != command)
        m_text->setPlainText(command);
    m_copy->setEnabled(!command.isEmpty());
    fitHeight();
}

QString CurlBar::command() const
{
    return m_text->toPlainText();
}

void CurlBar::copy()
{
    if (m_text->toPlainText().isEmpty())
        return;
    QApplication::clipboard()->setText(m_text->toPlainText());
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(1500, m_copy, [button = m_copy] { button->setText(tr("Copy as curl")); });
    Q_EMIT copied(m_text->toPlainText());
}

void CurlBar::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitHeight();
}

void CurlBar::fitHeight()
{
    // As tall as the wrapped command (one to four lines): nothing is cut off at the edge.
    const QFontMetrics fm(m_text->font());
    const qreal margin = m_text->document()->documentMargin();
    const qreal width = m_text->viewport()->width() - 2 * margin;
    int lines = 0;
    if (width > fm.averageCharWidth() * 4) {
        QTextLayout layout(m_text->toPlainText(), m_text->font());
        QTextOption option;
        option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        layout.setTextOption(option);
        layout.beginLayout();
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(width);
            ++lines;
        }
        layout.endLayout();
    }
    // Past four lines it scrolls; below, a bar would only take width from the text.
    m_text->setVerticalScrollBarPolicy(lines > 4 ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    lines = qBound(1, lines, 4);
    const int frame = 2 * m_text->frameWidth() + int(std::ceil(2 * margin)) + 2;
    const int height = lines * fm.lineSpacing() + frame;
    if (m_text->height() != height)
        m_text->setFixedHeight(height);
}

} // namespace edgedesk
