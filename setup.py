from setuptools import Extension, setup

# Normalising and line counting are C so that a 100 MB log is read at memory speed.
setup(ext_modules=[Extension("faultline.logs._native", ["src/faultline/logs/_native.c"])])
