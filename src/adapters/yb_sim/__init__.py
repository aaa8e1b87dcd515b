"""The 医保 platform simulator: in memory (SimulatorPlatform) and over HTTP (SimulatorHttpFront)."""
from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.demo_items import DemoItem, demo_items
from adapters.yb_sim.faults import ACTIONS as FAULT_ACTIONS
from adapters.yb_sim.faults import Fault, FaultPlan
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from adapters.yb_sim.policy import InsutypeRule, Policy
from adapters.yb_sim.state import Account, Person

__all__ = ["SimulatorPlatform", "SimulatorHttpFront", "Policy", "InsutypeRule", "Fault", "FaultPlan",
           "FAULT_ACTIONS", "DemoItem", "demo_items", "demo_persons", "Person", "Account"]
