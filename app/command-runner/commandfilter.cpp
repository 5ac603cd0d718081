#include "commandfilter.h"

#include <QRegularExpression>
#include <QStringList>

namespace edgedesk {

namespace {

const QString kRootDelete = QStringLiteral("recursive delete of the root filesystem");
const QString kFormat = QStringLiteral("formatting a filesystem");
const QString kPower = QStringLiteral("shutting down or rebooting the system");
const QString kForkBomb = QStringLiteral("fork bomb");
const QString kBlockDevice = QStringLiteral("writing to a block device");
const QString kRootPermissions =
    QStringLiteral("recursive permission or owner change of the root filesystem");

constexpr int kMaxNesting = 4;

// Whole disks and partitions: sda, hdb1, vda, xvdf, nvme0n1p2, mmcblk0, dm-0, md0, disk/by-id/...
const QString kBlockDevicePattern =
    QStringLiteral(R"(/dev/(?:[shv]d[a-z]|xvd[a-z]|nvme\d|mmcblk\d|dm-\d|md\d|loop\d|disk/))");

const QRegularExpression &redirectToDevice()
{
    static const QRegularExpression re(QStringLiteral(R"(>\s*)") + kBlockDevicePattern);
    return re;
}

const QRegularExpression &ddToDevice()
{
    static const QRegularExpression re(QStringLiteral(R"(\bof=)") + kBlockDevicePattern);
    return re;
}

// A shell function whose body runs itself twice through a pipe or in the background:
// :(){ :|:& };:  bomb(){ bomb|bomb& };bomb  function f { f & f; }
const QRegularExpression &shellForkBomb()
{
    static const QRegularExpression re(QStringLiteral(
        R"((?:function\s+)?([A-Za-z_:.][\w:.-]*)\s*(?:\(\s*\))?\s*\{[^}]*?(?<![\w:.-])\1\s*[|&]\s*\1(?![\w:.-]))"));
    return re;
}

// perl -e 'fork while fork', python -c 'while True: os.fork()', and the like.
const QRegularExpression &scriptForkBomb()
{
    static const QRegularExpression re(QStringLiteral(
        R"(\bfork\s+while\s+fork\b|\bwhile\s*(?:\(\s*(?:1|true)?\s*\)|true|True|1)\s*[:{;]?\s*(?:do\s+)?(?:os\.)?fork\s*\()"));
    return re;
}

QString baseName(const QString &word)
{
    return word.mid(word.lastIndexOf(QLatin1Char('/')) + 1);
}

bool isAssignment(const QString &word)
{
    static const QRegularExpression re(QStringLiteral(R"(^[A-Za-z_]\w*=)"));
    return re.match(word).hasMatch();
}

// "/", "//", "/*", "/.", "/./*", "/.." — every spelling that names the root directory.
bool namesRoot(const QString &word)
{
    static const QRegularExpression re(QStringLiteral(R"(^/[/.]*\*?$)"));
    return re.match(word).hasMatch();
}

// Splits a command line into simple commands at the shell's list, pipe and grouping
// operators, and each into words with quotes and backslashes removed.
QList<QStringList> simpleCommands(const QString &command)
{
    QList<QStringList> result;
    QStringList words;
    QString word;
    bool inWord = false;
    const auto endWord = [&] {
        if (inWord)
            words.append(word);
        word.clear();
        inWord = false;
    };
    const auto endCommand = [&] {
        endWord();
        if (!words.isEmpty())
            result.append(words);
        words.clear();
    };
    for (const QChar c : command) {
        switch (c.unicode()) {
        case ';':
        case '&':
        case '|':
        case '\n':
        case '(':
        case ')':
        case '`':
        case '{':
        case '}':
            endCommand();
            break;
        case '\'':
        case '"':
        case '\\':
        case '$':
            inWord = true;
            break;
        case ' ':
        case '\t':
        case '\r':
            endWord();
            break;
        default:
            word += c;
            inWord = true;
        }
    }
    endCommand();
    return result;
}

// Drops what only wraps the real command: variable assignments and prefixes such as sudo,
// env, exec, nohup, nice -n 5, timeout 10.
QStringList unwrap(QStringList words)
{
    static const QStringList prefixes = {
        QStringLiteral("sudo"),    QStringLiteral("doas"),    QStringLiteral("env"),
        QStringLiteral("exec"),    QStringLiteral("command"), QStringLiteral("builtin"),
        QStringLiteral("nohup"),   QStringLiteral("nice"),    QStringLiteral("ionice"),
        QStringLiteral("time"),    QStringLiteral("timeout"), QStringLiteral("setsid"),
        QStringLiteral("stdbuf"),  QStringLiteral("busybox"), QStringLiteral("xargs"),
        QStringLiteral("unbuffer")};
    static const QRegularExpression number(QStringLiteral(R"(^[-+]?\d+(\.\d+)?[smhd]?$)"));
    for (int guard = 0; guard < 16 && !words.isEmpty(); ++guard) {
        if (isAssignment(words.first())) {
            words.removeFirst();
            continue;
        }
        const QString name = baseName(words.first());
        if (!prefixes.contains(name))
            break;
        words.removeFirst();
        while (!words.isEmpty() &&
               (words.first().startsWith(QLatin1Char('-')) || isAssignment(words.first()) ||
                number.match(words.first()).hasMatch()))
            words.removeFirst();
    }
    return words;
}

struct Arguments
{
    QStringList shortFlags; // clusters without the dash: "rf"
    QStringList longFlags;  // "--recursive"
    QStringList operands;
};

Arguments splitArguments(const QStringList &words)
{
    Arguments args;
    bool endOfOptions = false;
    for (qsizetype i = 1; i < words.size(); ++i) {
        const QString &w = words.at(i);
        if (!endOfOptions && w == QLatin1String("--"))
            endOfOptions = true;
        else if (!endOfOptions && w.startsWith(QLatin1String("--")))
            args.longFlags.append(w);
        else if (!endOfOptions && w.startsWith(QLatin1Char('-')) && w.size() > 1)
            args.shortFlags.append(w.mid(1));
        else
            args.operands.append(w);
    }
    return args;
}

bool hasShortFlag(const Arguments &args, QLatin1Char flag)
{
    for (const QString &cluster : args.shortFlags) {
        if (cluster.contains(flag))
            return true;
    }
    return false;
}

bool anyOperandNamesRoot(const Arguments &args)
{
    for (const QString &operand : args.operands) {
        if (namesRoot(operand))
            return true;
    }
    return false;
}

std::optional<QString> checkLine(const QString &command, int depth);

std::optional<QString> checkSimpleCommand(const QStringList &rawWords, int depth)
{
    const QStringList words = unwrap(rawWords);
    if (words.isEmpty())
        return std::nullopt;
    const QString name = baseName(words.first());
    const Arguments args = splitArguments(words);

    if (name == QLatin1String("rm")) {
        if (args.longFlags.contains(QLatin1String("--no-preserve-root")))
            return kRootDelete;
        const bool recursive = hasShortFlag(args, QLatin1Char('r')) ||
                               hasShortFlag(args, QLatin1Char('R')) ||
                               args.longFlags.contains(QLatin1String("--recursive"));
        if (recursive && anyOperandNamesRoot(args))
            return kRootDelete;
    }
    if (name.startsWith(QLatin1String("mkfs")) || name == QLatin1String("mke2fs"))
        return kFormat;
    static const QStringList power = {QStringLiteral("shutdown"), QStringLiteral("reboot"),
                                      QStringLiteral("halt"), QStringLiteral("poweroff")};
    if (power.contains(name))
        return kPower;
    if ((name == QLatin1String("init") || name == QLatin1String("telinit")) &&
        (args.operands.contains(QLatin1String("0")) || args.operands.contains(QLatin1String("6"))))
        return kPower;
    if (name == QLatin1String("systemctl")) {
        for (const char *verb : {"poweroff", "reboot", "halt", "kexec"}) {
            if (args.operands.contains(QLatin1String(verb)))
                return kPower;
        }
    }
    if (name == QLatin1String("chmod") || name == QLatin1String("chown") ||
        name == QLatin1String("chgrp")) {
        const bool recursive = hasShortFlag(args, QLatin1Char('R')) ||
                               args.longFlags.contains(QLatin1String("--recursive"));
        if (recursive && anyOperandNamesRoot(args))
            return kRootPermissions;
    }

    // sh -c '...', bash -c "...", eval ...: look inside.
    static const QStringList shells = {QStringLiteral("sh"),   QStringLiteral("bash"),
                                       QStringLiteral("dash"), QStringLiteral("zsh"),
                                       QStringLiteral("ksh"),  QStringLiteral("ash")};
    if (depth < kMaxNesting) {
        if (name == QLatin1String("eval"))
            return checkLine(words.mid(1).join(QLatin1Char(' ')), depth + 1);
        if (shells.contains(name)) {
            const qsizetype c = words.indexOf(QLatin1String("-c"));
            if (c > 0)
                return checkLine(words.mid(c + 1).join(QLatin1Char(' ')), depth + 1);
        }
    }
    return std::nullopt;
}

std::optional<QString> checkLine(const QString &command, int depth)
{
    if (shellForkBomb().match(command).hasMatch() || scriptForkBomb().match(command).hasMatch())
        return kForkBomb;
    if (redirectToDevice().match(command).hasMatch() || ddToDevice().match(command).hasMatch())
        return kBlockDevice;
    const QList<QStringList> commands = simpleCommands(command);
    for (const QStringList &words : commands) {
        if (auto reason = checkSimpleCommand(words, depth))
            return reason;
    }
    return std::nullopt;
}

} // namespace

std::optional<QString> CommandFilter::blockedReason(const QString &command)
{
    return checkLine(command, 0);
}

} // namespace edgedesk
