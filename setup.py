from setuptools import Extension, setup

# Normalising, line counting and hit bookkeeping are C so that a 100 MB log is read at
# memory speed.
setup(ext_modules=[
    Extension("faultline.logs._native", ["src/faultline/logs/_native.c"]),
    Extension("faultline.engine._hits", ["src/faultline/engine/_hits.c"]),
])
