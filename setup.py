from setuptools import Extension, setup

# The log normaliser is C so that a 100 MB log is cleaned at memory speed.
setup(ext_modules=[Extension("faultline.logs._normalise", ["src/faultline/logs/_normalise.c"])])
