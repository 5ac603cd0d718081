#include "widgets/curlbar.h"

#include "panel.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>

namespace edgedesk {

CurlBar::CurlBar(QWidget *parent)
    : QWidget(parent), m_text(new QLineEdit(this)), m_copy(new QToolButton(this))
{
    auto *prompt = new QLabel(QStringLiteral("$"), this);
    prompt->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setObjectName(QStringLiteral("curlText"));
    m_text->setReadOnly(true);
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
    layout->addWidget(prompt);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_copy);

    connect(m_copy, &QToolButton::clicked, this, &CurlBar::copy);
}

void CurlBar::setCommand(const QString &command)
{
    m_text->setText(command);
    m_text->setCursorPosition(0);
    m_copy->setEnabled(!command.isEmpty());
}

QString CurlBar::command() const
{
    return m_text->text();
}

void CurlBar::copy()
{
    if (m_text->text().isEmpty())
        return;
    QApplication::clipboard()->setText(m_text->text());
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(1500, m_copy, [button = m_copy] { button->setText(tr("Copy as curl")); });
    Q_EMIT copied(m_text->text());
}

} // namespace edgedesk
