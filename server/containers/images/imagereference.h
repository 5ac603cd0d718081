#pragma once

#include <QString>

namespace edgedesk {

// What a container class's "image" names, decided once from the text and the file it points at.
// Paths are taken relative to the configuration file's folder, as the platform's tooling does.
class ImageReference final
{
public:
    enum class Kind
    {
        BuiltIn,      // one of EdgeDesk's programs (api-backend, command-runner) or a bare name
        Program,      // an executable built on the host (ELF or #!), run with "command" if given
        Archive,      // docker save / podman save / skopeo oci-archive output
        LayoutFolder, // an unpacked OCI image layout
        Dockerfile,   // a Dockerfile or Containerfile, built with a container engine
    };

    // configDir: the folder of the configuration file; empty for the built-in configuration
    // (whose relative paths are then relative to the working directory).
    static ImageReference resolve(const QString &image, const QString &configDir);

    Kind kind() const { return m_kind; }
    QString image() const { return m_image; }  // as written in the configuration
    QString path() const { return m_path; }    // absolute; empty for BuiltIn
    QString baseDir() const { return m_base; } // what relative paths start from: a build context
    QString kindName() const;                  // "built-in", "program", "archive", ...
    bool isImage() const
    {
        return m_kind == Kind::Archive || m_kind == Kind::LayoutFolder ||
               m_kind == Kind::Dockerfile;
    }

private:
    Kind m_kind = Kind::BuiltIn;
    QString m_image;
    QString m_path;
    QString m_base;
};

} // namespace edgedesk
