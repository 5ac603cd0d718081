#pragma once

// Helpers shared by the section panel suites.

#include "guifixture.h"
#include "testsupport.h"

#include "config/jsonc.h"
#include "settings/theme.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPalette>
#include <QRegularExpression>
#include <QSize>
#include <QString>
#include <QStyle>

namespace edgedesk::test {

// The fixture's options for the section suites: the container programs come from the build.
inline ServerOptions sectionServerOptions(ServerOptions options = {})
{
    options.programDir = binDir();
    return options;
}

// The extra CTest runs of a suite (1280x800, QT_SCALE_FACTOR=2) set these: the window size and
// a suffix that keeps their screenshots apart.
inline QString screenshotName(const QString &base)
{
    const QString suffix = qEnvironmentVariable("EDGEDESK_SCREENSHOT_SUFFIX");
    return suffix.isEmpty() ? base : base + QLatin1Char('-') + suffix;
}

// EDGEDESK_PALETTE=dark (an extra CTest run) switches to the dark palette before the window
// exists, to check that the panels follow the palette instead of assuming white backgrounds.
inline void applyPaletteFromEnvironment()
{
    if (qEnvironmentVariable("EDGEDESK_PALETTE") != QLatin1String("dark"))
        return;
    // The product's dark palette, set as the platform's: the window's "System" theme keeps it.
    QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(Theme::darkPalette());
}

inline void applyWindowSize(GuiFixture &gui)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)x(\\d+)$"));
    const auto m = pattern.match(qEnvironmentVariable("EDGEDESK_WINDOW_SIZE"));
    if (m.hasMatch())
        gui.window()->resize(m.captured(1).toInt(), m.captured(2).toInt());
}

// Why a route served by containers cannot answer here (empty when it can): the container
// classes may still be unavailable in this build.
inline QString containerRouteUnavailable(quint16 port, const QByteArray &method,
                                         const QByteArray &path, const QByteArray &body = {})
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!body.isEmpty())
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    const HttpReply reply = request(port, method, path, headers, body, 30000);
    if (reply.status == 503)
        return QStringLiteral("%1 answers 503 here: %2")
            .arg(QString::fromLatin1(path), reply.json()
                                                .value(QStringLiteral("error"))
                                                .toObject()
                                                .value(QStringLiteral("message"))
                                                .toString());
    if (reply.status == 0)
        return QStringLiteral("%1 did not answer").arg(QString::fromLatin1(path));
    return {};
}

// Writes the built-in configuration with another "ai" block to `path` (a wrangler.jsonc for
// ServerOptions::configPath); empty on failure.
inline QString writeConfigWithAi(const QString &path, const QJsonObject &ai)
{
    QFile builtIn(QStringLiteral(":/edgedesk/wrangler.jsonc"));
    if (!builtIn.open(QIODevice::ReadOnly))
        return {};
    auto parsed = Jsonc::parse(builtIn.readAll());
    if (!parsed)
        return {};
    QJsonObject config = parsed->object();
    config.insert(QStringLiteral("ai"), ai);
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    out.write(QJsonDocument(config).toJson());
    return path;
}

} // namespace edgedesk::test
