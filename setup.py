"""Builds the Python package `crm` (distribution `libcrm`) for pip and
python3 -m build; pyproject.toml holds the metadata. What the CMake build
does in bindings/CMakeLists.txt, done here for one interpreter:
gen_records.py makes the record builders and the type stub, SWIG makes the
extension crm._crm and its proxy crm._lowlevel, and the extension links
libcrm, one of two ways (CRM_PYTHON_LIBCRM):

  installed  the libcrm that `pkg-config libcrm` finds, of this tree's
             version; linked from a directory the dynamic loader does not
             search, the extension gets a runpath to it
  bundled    libcrm built from this tree with CMake (target crm_static) and
             linked into the extension, with its own dependencies
  auto       installed when pkg-config finds this version, else bundled
             (the default)

Other environment variables: CRM_PYTHON_BUILD_DIR (where everything is
built; default build/python in this tree), CRM_PYTHON_CMAKE_ARGS (more
arguments for the bundled build's cmake, e.g. -DCRM_WITH_LIBPHONENUMBER=OFF),
SWIG, CMAKE, PKG_CONFIG (the programs). Nothing is written beside the
sources.

Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.egg_info import egg_info

ROOT = os.path.dirname(os.path.abspath(__file__))
BINDINGS = os.path.join(ROOT, "bindings")
MODES = ("auto", "installed", "bundled")


def version():
    """MAJOR.MINOR.PATCH from include/crm/version.h, as CMakeLists.txt reads it."""
    with open(os.path.join(ROOT, "include", "crm", "version.h"), encoding="utf-8") as f:
        text = f.read()
    parts = [re.search(r"#define CRM_VERSION_%s ([0-9]+)" % p, text)
             for p in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        sys.exit("setup.py: include/crm/version.h has no CRM_VERSION_MAJOR/MINOR/PATCH")
    return ".".join(m.group(1) for m in parts)


VERSION = version()
BUILD_DIR = os.path.abspath(os.environ.get("CRM_PYTHON_BUILD_DIR")
                            or os.path.join(ROOT, "build", "python"))


def log(message):
    print("libcrm: " + message, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log(" ".join(shlex.quote(c) for c in cmd))
    try:
        subprocess.run(cmd, check=True, **kw)
    except FileNotFoundError:
        hint = PACKAGES.get(os.path.basename(cmd[0]), cmd[0])
        sys.exit(f"libcrm: {cmd[0]} not found (Debian: {hint})")
    except subprocess.CalledProcessError as e:
        sys.exit(f"libcrm: {cmd[0]} failed with status {e.returncode}")


PACKAGES = {"swig": "apt-get install swig", "cmake": "apt-get install cmake",
            "pkg-config": "apt-get install pkg-config"}


def pkg_config(*args):
    """pkg-config's output split into words, or None when it fails or is missing."""
    exe = os.environ.get("PKG_CONFIG", "pkg-config")
    try:
        p = subprocess.run([exe, *args], check=False, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return shlex.split(p.stdout) if p.returncode == 0 else None


def loader_dirs():
    """The directories the dynamic loader searches without being told:
    ld.so.conf's (as ldconfig lists them), the built-in ones, the multiarch
    ones; as real paths (/lib is /usr/lib on a merged-/usr system)."""
    dirs = ["/lib", "/usr/lib", "/lib64", "/usr/lib64"]
    multiarch = sysconfig.get_config_var("MULTIARCH")
    if multiarch:
        dirs += ["/lib/" + multiarch, "/usr/lib/" + multiarch]
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        out = subprocess.run([ldconfig, "-v", "-N", "-X"], capture_output=True, text=True).stdout
        dirs += [line.split(":", 1)[0] for line in out.splitlines()
                 if line.startswith("/") and ":" in line]
    except OSError:
        pass
    return {os.path.realpath(d) for d in dirs}


def choose_mode():
    """("installed", pkg-config's libcrm version) or ("bundled", why)."""
    mode = os.environ.get("CRM_PYTHON_LIBCRM", "auto") or "auto"
    if mode not in MODES:
        sys.exit(f"libcrm: CRM_PYTHON_LIBCRM={mode!r}: expected one of {', '.join(MODES)}")
    if mode == "bundled":
        return "bundled", "CRM_PYTHON_LIBCRM=bundled"
    found = pkg_config("--modversion", "libcrm")
    if found == [VERSION]:
        return "installed", VERSION
    why = ("pkg-config finds no libcrm" if found is None else
           f"pkg-config finds libcrm {' '.join(found)}, this tree is {VERSION}")
    if mode == "installed":
        sys.exit(f"libcrm: CRM_PYTHON_LIBCRM=installed, but {why} "
                 "(set PKG_CONFIG_PATH to the installed libcrm's lib/pkgconfig)")
    return "bundled", why


class BuildPy(build_py):
    """The package's modules, and its type stub made from __init__.pyi.in."""

    def run(self):
        super().run()
        out = os.path.join(self.build_lib, "crm", "__init__.pyi")
        run([sys.executable, os.path.join(BINDINGS, "gen_records.py"), "stub",
             os.path.join(BINDINGS, "python", "crm", "__init__.pyi.in"), out])

    def get_outputs(self, include_bytecode=True):
        stub = os.path.join(self.build_lib, "crm", "__init__.pyi")
        return super().get_outputs(include_bytecode) + [stub]


class BuildExt(build_ext):
    """crm._crm and its proxy crm._lowlevel, against the chosen libcrm."""

    def build_extension(self, ext):
        if ext.name != "crm._crm":
            return super().build_extension(ext)
        mode, detail = choose_mode()
        if mode == "installed":
            log(f"building the extension against the installed libcrm {detail}")
        else:
            log(f"building the extension against libcrm built from this tree ({detail})")
        temp = os.path.abspath(self.build_temp)
        gen = os.path.join(temp, "gen")
        os.makedirs(gen, exist_ok=True)
        if mode == "installed":
            cflags = pkg_config("--cflags", "libcrm") or []
            libs = pkg_config("--libs", "libcrm") or []
            incs = [f[2:] for f in cflags if f.startswith("-I")]
            libdir = pkg_config("--variable=libdir", "libcrm")
            ext.extra_compile_args = ["-std=c11"] + cflags
            ext.extra_link_args = libs
            libdir = os.path.realpath(libdir[0]) if libdir else None
            if libdir and libdir not in loader_dirs():
                # -rpath with new dtags: a RUNPATH, which LD_LIBRARY_PATH still overrides
                ext.extra_link_args += ["-Wl,--enable-new-dtags", "-Wl,-rpath," + libdir]
            ext.extra_objects = []
        else:
            archive, private = self.build_libcrm(temp)
            incs = [os.path.join(ROOT, "include")]
            ext.extra_compile_args = ["-std=c11", "-I" + incs[0]]
            ext.extra_objects = [archive]
            # libcrm's own symbols stay inside the extension
            ext.extra_link_args = ["-Wl,--exclude-libs,ALL"] + private
        # the record builders, then SWIG: _lowlevel.py goes into the package
        records = os.path.join(gen, "records_python.i")
        run([sys.executable, os.path.join(BINDINGS, "gen_records.py"), "python", records])
        pkg = os.path.join(os.path.abspath(self.build_lib), "crm")
        os.makedirs(pkg, exist_ok=True)
        wrap = os.path.join(temp, "crm_pythonPYTHON_wrap.c")
        swig = os.environ.get("SWIG") or shutil.which("swig") or shutil.which("swig4.0") or "swig"
        run([swig, "-python", *("-I" + i for i in incs), "-interface", "_crm", "-doxygen",
             "-I" + os.path.join(BINDINGS, "python"), "-I" + gen, "-outdir", pkg,
             "-module", "_lowlevel", "-o", wrap, os.path.join(BINDINGS, "python", "crm_python.i")])
        ext.sources = [wrap]
        # what was linked last time may have been the other libcrm
        self.force = True
        super().build_extension(ext)

    def build_libcrm(self, temp):
        """libcrm.a built by CMake from this tree in temp/libcrm, and the
        link flags of its private dependencies, read from the libcrm.pc that
        build writes (so they follow CMakeLists.txt's choices)."""
        tree = os.path.join(temp, "libcrm")
        cmake = os.environ.get("CMAKE", "cmake")
        run([cmake, "-S", ROOT, "-B", tree, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
             "-DCRM_BUILD_TESTS=OFF", "-DCRM_BUILD_EXAMPLES=OFF",
             "-DCRM_BINDINGS_PYTHON=OFF", "-DCRM_BINDINGS_LUA=OFF",
             *shlex.split(os.environ.get("CRM_PYTHON_CMAKE_ARGS", ""))],
            stdout=subprocess.DEVNULL)
        jobs = ([] if os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL")
                else ["-j", str(os.cpu_count() or 1)])
        run([cmake, "--build", tree, "--target", "crm_static", *jobs])
        archive = os.path.join(tree, "libcrm.a")
        flags = pkg_config("--static", "--libs", os.path.join(tree, "libcrm.pc"))
        if not os.path.isfile(archive) or flags is None:
            sys.exit(f"libcrm: the bundled build left no {archive} or no usable libcrm.pc")
        # everything but libcrm itself (-lcrm and the -L of its install prefix)
        private = [f for f in flags if f != "-lcrm" and not f.startswith("-L")]
        return archive, private

    def get_outputs(self):
        return super().get_outputs() + [os.path.join(self.build_lib, "crm", "_lowlevel.py")]


class EggInfo(egg_info):
    """The .egg-info folder in the build directory, not beside the sources."""

    def initialize_options(self):
        super().initialize_options()
        os.makedirs(BUILD_DIR, exist_ok=True)
        inside = BUILD_DIR.startswith(ROOT + os.sep)
        self.egg_base = os.path.relpath(BUILD_DIR, ROOT) if inside else BUILD_DIR


setup(
    version=VERSION,
    # sources are set by BuildExt once the libcrm to link is chosen
    ext_modules=[Extension("crm._crm", sources=[])],
    cmdclass={"build_py": BuildPy, "build_ext": BuildExt, "egg_info": EggInfo},
    options={"build": {"build_base": BUILD_DIR}},
)
