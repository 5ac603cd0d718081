#pragma once

#include <QString>
#include <QWidget>

class QHBoxLayout;

namespace edgedesk {

// "PUBLIC › photos › 2024": the folders of a '/'-delimited key prefix as buttons. Clicking one
// asks to go up to it.
class BreadcrumbBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BreadcrumbBar)

public:
    explicit BreadcrumbBar(QWidget *parent = nullptr);

    // `root` names the top ("PUBLIC"); `prefix` is empty or ends with '/'.
    void setPath(const QString &root, const QString &prefix);
    QString prefix() const { return m_prefix; }
    // The prefixes of the crumbs in order, "" for the root: what a user can click.
    QStringList crumbPrefixes() const;

Q_SIGNALS:
    void prefixChosen(const QString &prefix);

private:
    QHBoxLayout *m_layout;
    QString m_prefix;
};

} // namespace edgedesk
