"""Host simulation: build generated C with the host compiler, call it through cffi."""
from mcugen.host.build import HostModel, build_host_library

__all__ = ["HostModel", "build_host_library"]
