"""The Python UDF worker: the process the Spry engine starts as
``python -m spry.worker`` to run Python user-defined functions.

The engine sends the pickled functions and a small program (which calls to
make on which columns), then Arrow batches of argument columns; the worker
answers each batch with an Arrow batch of result columns. Frames are a
4-byte big-endian length, then a tag byte (``J`` JSON, ``B`` argument batch,
``R`` result batch, ``P`` payload) and the body. See ``docs/python_udf.md``.
"""

PROTOCOL_VERSION = 1
