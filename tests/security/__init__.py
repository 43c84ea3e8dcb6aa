"""The server and the tracker under hostile clients, replaced files and damage.

Every server here is a real ``afterview serve`` started on 127.0.0.1 by the test.
"""
