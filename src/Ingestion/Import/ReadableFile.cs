using System.Runtime.InteropServices;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Whether a path may be read as an export at all, asked of the file system without opening it: opening a FIFO waits
/// for a writer forever, a device such as /dev/zero never ends, and a symbolic link may lead anywhere (/etc/passwd).
/// Only a regular file is read; a symbolic link only when it leads to a regular file inside the folder that holds it
/// (the school's inbox); and only up to the size cap.
/// </summary>
public static partial class ReadableFile
{
    /// <returns>Why the file is not read, for the school's administrator; null when it may be read.</returns>
    public static string? Refusal(string path, long maxBytes)
    {
        var full = Path.GetFullPath(path);
        var own = Kind(full, followLink: false);
        if (own.Type == FileType.Missing)
        {
            // Gone between the inbox listing and now: opening it fails as any failure of ours does, and is recorded so.
            return null;
        }

        if (own.Type == FileType.Link)
        {
            var folder = Path.GetDirectoryName(full)!;
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is not null && Kind(target, followLink: false).Type == FileType.Missing)
            {
                // A link to nothing cannot be opened: that fails as a missing file does, and is recorded so.
                return null;
            }

            if (target is null || !IsInside(target, folder))
            {
                return "it is a symbolic link to a file outside the inbox; only files inside the inbox are read. Copy the export itself into the inbox";
            }

            own = Kind(target, followLink: false);
        }

        return own.Type switch
        {
            FileType.Regular when own.Size > maxBytes =>
                $"{own.Size:N0} bytes is more than the {maxBytes:N0} an export may have (Skolnarvaro:MaxFileBytes); split it or raise the limit",
            FileType.Regular => null,
            FileType.Directory => "it is a folder, not a file",
            FileType.Fifo => "it is a named pipe (FIFO), not a file: reading it would wait for a writer forever",
            FileType.Device => "it is a device, not a file: it has no end to read to",
            _ => "it is not a regular file (a socket or another special file)",
        };
    }

    private static bool IsInside(string target, string folder)
    {
        var relative = Path.GetRelativePath(folder, target);
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }

    private enum FileType { Missing, Regular, Directory, Link, Fifo, Device, Other }

    private static (FileType Type, long Size) Kind(string path, bool followLink)
    {
        if (OperatingSystem.IsLinux())
        {
            return Statx(path, followLink);
        }

        // Elsewhere .NET tells links and folders apart, not FIFOs or devices; the size cap still ends a read of those.
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Directory.Exists(path) ? (FileType.Directory, 0) : (FileType.Missing, 0);
        }

        return (info.LinkTarget is not null ? FileType.Link : FileType.Regular, info.Length);
    }

    // statx(2): its struct is the same on every Linux architecture, unlike stat's.
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxSize = 0x200;

    private static (FileType, long) Statx(string path, bool followLink)
    {
        var buffer = new byte[256];
        if (StatxCall(AtFdCwd, path, followLink ? 0 : AtSymlinkNoFollow, StatxType | StatxSize, buffer) != 0)
        {
            return (FileType.Missing, 0);
        }

        var mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        var size = BitConverter.ToInt64(buffer, 40);
        return (mode switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0xA000 => FileType.Link,
            0x1000 => FileType.Fifo,
            0x2000 or 0x6000 => FileType.Device,
            _ => FileType.Other,
        }, size);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatxCall(int dirfd, string path, int flags, uint mask, byte[] buffer);
}
