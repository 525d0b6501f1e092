"""The type stub (crm/__init__.pyi, with the PEP 561 marker py.typed) matches
the package: every public name of ``crm`` is in the stub and vice versa, each
public class's own public attributes too; and every public callable of the
package has a docstring."""
import ast
import inspect
import os

import pytest

import crm

PKG = os.path.dirname(crm.__file__)
STUB = os.path.join(PKG, "__init__.pyi")
# set in __init__ on each instance, so not attributes of the class
INSTANCE_ATTRS = {"Error": {"code", "name", "message"}}


def public(names):
    return {n for n in names if not n.startswith("_")}


def stub_tree():
    with open(STUB, encoding="utf-8") as f:
        return ast.parse(f.read(), STUB)


def body_names(body):
    names = set()
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return public(names)


def stub_classes():
    return {n.name: n for n in stub_tree().body if isinstance(n, ast.ClassDef)}


def runtime_classes():
    return {n: getattr(crm, n) for n in public(dir(crm))
            if inspect.isclass(getattr(crm, n)) and getattr(crm, n).__module__ == "crm"}


def test_stub_and_marker_are_installed_with_the_package():
    assert os.path.isfile(STUB), STUB
    assert os.path.isfile(os.path.join(PKG, "py.typed"))


def test_stub_parses():
    tree = stub_tree()
    assert any(isinstance(n, ast.ClassDef) and n.name == "Database" for n in tree.body)
    compile(tree, STUB, "exec")  # valid Python, not only a valid syntax tree


def test_every_public_name_is_in_the_stub_and_vice_versa():
    runtime = public(dir(crm))
    stub = body_names(stub_tree().body)
    assert runtime - stub == set(), "missing from the stub"
    assert stub - runtime == set(), "in the stub but not in crm"


def test_all_is_covered_by_the_stub():
    assert set(crm.__all__) <= body_names(stub_tree().body)


@pytest.mark.parametrize("name", sorted(runtime_classes()))
def test_class_members_match(name):
    cls = runtime_classes()[name]
    stub_cls = stub_classes().get(name)
    if stub_cls is None:  # an alias (Exists = Conflict)
        assert cls.__name__ in stub_classes()
        return
    stub = body_names(stub_cls.body)
    runtime = public(vars(cls))
    assert runtime - stub == set(), f"crm.{name} members missing from the stub"
    extra = {n for n in stub - runtime
             if not hasattr(cls, n) and n not in INSTANCE_ATTRS.get(name, ())}
    assert extra == set(), f"crm.{name} members in the stub but not at run time"


def test_signatures_match():
    """Every public function and method takes the same parameters (names and
    kinds) in the stub as at run time."""
    classes = stub_classes()

    def params(fn):
        a = fn.args
        return ([x.arg for x in a.posonlyargs + a.args], a.vararg and a.vararg.arg,
                [x.arg for x in a.kwonlyargs], a.kwarg and a.kwarg.arg)

    def runtime_params(obj):
        sig = inspect.signature(obj)
        pos = [p.name for p in sig.parameters.values()
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        var = next((p.name for p in sig.parameters.values() if p.kind == p.VAR_POSITIONAL), None)
        kw = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]
        varkw = next((p.name for p in sig.parameters.values() if p.kind == p.VAR_KEYWORD), None)
        return (pos, var, kw, varkw)

    checked = 0
    for node in stub_tree().body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            assert params(node) == runtime_params(getattr(crm, node.name)), node.name
            checked += 1
    for node in classes["Database"].body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") \
                and not node.decorator_list:
            fn = getattr(crm.Database, node.name)
            assert params(node) == runtime_params(fn), f"Database.{node.name}"
            checked += 1
    assert checked > 50


def public_callables():
    for name in sorted(public(dir(crm))):
        obj = getattr(crm, name)
        if inspect.isclass(obj) and obj.__module__ == "crm":
            yield name, obj
            for m, v in sorted(vars(obj).items()):
                if m.startswith("_"):
                    continue
                if callable(v) or isinstance(v, property):
                    yield f"{name}.{m}", getattr(obj, m) if callable(v) else v
        elif inspect.isfunction(obj):
            yield name, obj


def test_every_public_callable_has_a_docstring():
    missing = [n for n, obj in public_callables()
               if not (inspect.getdoc(obj) or "").strip()
               or (inspect.isclass(obj) and obj.__doc__ is None)]
    assert missing == []


def test_docstrings_are_the_packages_own():
    """Not inherited from Exception, str or Enum."""
    for name, obj in public_callables():
        if inspect.isclass(obj):
            assert "__doc__" in vars(obj) and obj.__doc__, name


def test_the_low_level_module_has_docstrings_from_the_headers():
    from crm import _lowlevel as ll
    assert ll.crm_customer_create.__doc__
    assert "customer" in ll.crm_customer_create.__doc__.lower()
