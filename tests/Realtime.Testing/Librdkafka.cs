using System.Reflection;
using System.Runtime.InteropServices;

namespace Realtime.Testing;

/// <summary>
/// Finds and loads the native librdkafka that ships in the <c>librdkafka.redist</c> package (the
/// one Confluent.Kafka uses) for this assembly's P/Invoke declarations in <see cref="LibrdkafkaNative"/>.
/// </summary>
/// <remarks>
/// The package holds several builds per runtime. On Linux the plain <c>librdkafka.so</c> needs
/// <c>libsasl2.so.3</c>, which Debian 12 does not have; <c>centos8-librdkafka.so</c> has no such
/// dependency. Confluent.Kafka falls back between them by itself, but a plain
/// <c>[DllImport("librdkafka")]</c> would only look for <c>librdkafka.so</c>, so this resolver tries
/// each build in turn with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> and keeps the
/// first that loads. Searched: the test output (<c>runtimes/&lt;rid&gt;/native/</c>, where the
/// build copies the package's files), then the NuGet package folder (<c>$NUGET_PACKAGES</c> or
/// <c>~/.nuget/packages</c>), newest version first.
/// </remarks>
internal static class Librdkafka
{
    /// <summary>The library name every <see cref="DllImportAttribute"/> in this assembly uses for librdkafka.</summary>
    public const string LibraryName = "librdkafka";

    private static readonly Lock Gate = new();
    private static IntPtr s_handle;
    private static string? s_path;
    private static bool s_resolverSet;

    /// <summary>The file that was loaded (after <see cref="EnsureLoaded"/>).</summary>
    public static string? LoadedPath => s_path;

    /// <summary>
    /// Loads librdkafka (once per process) and routes this assembly's P/Invokes to it. Throws
    /// <see cref="DllNotFoundException"/> naming every file tried and why it did not load.
    /// </summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_handle != IntPtr.Zero)
            {
                return;
            }

            var failures = new List<string>();
            foreach (var candidate in Candidates())
            {
                try
                {
                    // NativeLibrary.Load rather than TryLoad: its exception carries dlerror(),
                    // which says *why* a build did not load (e.g. libsasl2.so.3 missing).
                    s_handle = NativeLibrary.Load(candidate);
                    s_path = candidate;
                    break;
                }
                catch (DllNotFoundException e)
                {
                    failures.Add($"{candidate}: {e.Message}");
                }
                catch (BadImageFormatException e)
                {
                    failures.Add($"{candidate}: {e.Message}");
                }
            }

            if (s_handle == IntPtr.Zero)
            {
                throw new DllNotFoundException(
                    "No librdkafka build from the librdkafka.redist package could be loaded. Tried:" + Environment.NewLine +
                    (failures.Count == 0 ? "(no candidate files found)" : string.Join(Environment.NewLine, failures)));
            }

            if (!s_resolverSet)
            {
                // One resolver per assembly may ever be set; this is the only P/Invoke user in it.
                NativeLibrary.SetDllImportResolver(typeof(Librdkafka).Assembly, Resolve);
                s_resolverSet = true;
            }
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? s_handle : IntPtr.Zero;

    private static IEnumerable<string> Candidates()
    {
        var (rid, files) = RuntimeFiles();
        var directories = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"),
            AppContext.BaseDirectory,
        };

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var redist = Path.Combine(packages, "librdkafka.redist");
        if (Directory.Exists(redist))
        {
            directories.AddRange(Directory.GetDirectories(redist)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0))
                .Select(d => Path.Combine(d, "runtimes", rid, "native")));
        }

        return directories
            .SelectMany(directory => files.Select(file => Path.Combine(directory, file)))
            .Where(File.Exists);
    }

    private static (string Rid, string[] Files) RuntimeFiles()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            var other => other.ToString().ToLowerInvariant(),
        };

        if (OperatingSystem.IsWindows())
        {
            return ($"win-{arch}", ["librdkafka.dll"]);
        }

        if (OperatingSystem.IsMacOS())
        {
            return ($"osx-{arch}", ["librdkafka.dylib"]);
        }

        // The musl build only where musl is the C library (it must not be dlopen()ed into glibc).
        if (Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any())
        {
            return ($"linux-{arch}", ["alpine-librdkafka.so"]);
        }

        // The plain build first (it has SASL/GSSAPI where the system provides libsasl2), then the
        // self-contained build that loads on glibc distributions without it (Debian 12).
        return ($"linux-{arch}", ["librdkafka.so", "centos8-librdkafka.so"]);
    }
}
