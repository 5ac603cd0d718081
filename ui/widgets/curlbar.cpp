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

namespace edgedesk {

CurlBar::CurlBar(QWidget *parent)
    : QWidget(parent), m_text(new QPlainTextEdit(this)), m_copy(new QToolButton(this))
{
    auto *prompt = new QLabel(QStringLiteral("$"), this);
    prompt->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setObjectName(QStringLiteral("curlText"));
    m_text->setReadOnly(true);
    m_text->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_text->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
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

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
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
    lines = qBound(1, lines, 4);
    const int frame = 2 * m_text->frameWidth() + int(2 * m_text->document()->documentMargin());
    const int height = lines * fm.lineSpacing() + frame;
    if (m_text->height() != height)
        m_text->setFixedHeight(height);
}

} // namespace edgedesk
