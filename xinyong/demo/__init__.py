"""Demo data set: one city's departments and their 双公示 batch files, for `make run`,
tests and docs."""

from xinyong.demo.generate import DemoFile, generate_demo

__all__ = ["DemoFile", "generate_demo"]
