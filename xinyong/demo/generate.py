"""Demo data set: one city's departments sending monthly 双公示 batch files.

`generate_demo` writes licence and penalty files in the shapes real feeds arrive in (CSV in
UTF-8 with BOM or GB18030, some with YYYY/MM/DD dates; XLSX; JSON keyed by English field
names), plus `manifest.json`. Same seed, subject count and `today` give byte-identical files
(XLSX too: fixed properties and zip timestamps). 处罚类别 values are joined with ";", amounts
are 万元 strings (numbers in XLSX). About 2 % of rows carry one deliberate error each; the
manifest lists them per file under "errors" (`row` = 1-based position among the data rows).
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from xinyong.catalog import RecordType, default_catalog
from xinyong.core.masking import check_digit
from xinyong.core.workdays import WorkingCalendar
from xinyong.subjects import uscc

CITY, CITY_CODE = "示范市", "350200"
DISTRICTS = {"350203": "思明区", "350205": "海沧区", "350206": "湖里区", "350211": "集美区",
             "350212": "同安区", "350213": "翔安区"}
# Address codes of resident IDs, each with the first birth year drawn for it (kept as they
# were when python-stdnum's dated place table checked them, so that a seed gives the same
# files; the platform itself accepts any address code, whatever the birth year).
ID_REGIONS = (("350200", 0), ("350121", 0), ("350203", 1983), ("350204", 1983), ("350206", 1987),
              ("350211", 1987), ("350212", 1996), ("350583", 1993), ("350524", 1985),
              ("350322", 1983), ("360102", 1983))
ORG, BUSINESS, PERSON = "法人及非法人组织", "个体工商户", "自然人"
LONG_TERM = date(2099, 12, 31)
ERROR_RATE = 0.02
_CALENDAR = WorkingCalendar()  # package years only; other years fall back to Monday-Friday
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
            "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史黎")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国"
         "志红玲辉鹏宇浩然轩涵欣怡俊晓东燕丹婷雪梅")
ZIHAO = tuple(dict.fromkeys("""
华盛 鑫源 恒达 腾飞 宏远 金鹏 盛世 万通 信诚 华泰 嘉禾 永兴 天成 瑞丰 鸿运 博雅 中联 新元 东方 海峡
鹭岛 金海 银河 联创 汇通 启航 卓越 远航 顺达 安泰 和兴 德润 佳美 锦程 凯旋 龙腾 恒信 金诚 创新 华美
鼎盛 富源 昌盛 宏图 利达 荣达 巨丰 通达 明泰 伟业 兴业 欣荣 泰和 众诚 天诚 海纳 睿达 易通 晨光 阳光
蓝天 绿源 青山 碧水 盛源 金源 华源 隆兴 嘉信 宏达 四海 三和 百川 千禧 万家 聚丰 裕丰 丰泰 源达 宝丰
金泰 华鑫 鑫盛 鑫达 鑫隆 恒丰 恒昌 恒盛 恒通 永盛 永达 永泰 永丰 福达 福源 福海 福鑫 祥和 祥瑞 瑞祥
瑞达 瑞源 新华 新星 新宇 新城 新港 港湾 海湾 海通 海天 海鑫 天宇 天马 天翔 天和 天正 正通 正信 诚达
信达 信源 信和 和泰 和顺 顺昌 昌隆 隆盛 盛达 盛华 华通 华信 华兴 兴达 兴旺 旺达 达远 远大 大成 建华
建业 建兴 立信 立达 志远 志诚 卓信 卓达 博远 博达 博信 思源 思达 德信 德源 德兴 弘毅 弘达 君和 君泰
嘉华 嘉鑫 嘉泰 佳信 佳和 美嘉 金辉 银辉 辉煌 光明 明辉 明达 明远 远景 景泰 景和 安达 安信 安源 安华
中恒 中盛 东华 东盛 南方 西岸 北辰 闽发 鹭江 筼筜 五缘 同心 同创 合力 合众 联丰 三友 五洲 七星 八方
""".split()))
# Enterprise industries and the departments whose records they attract.
INDUSTRIES = (("科技", "scj swj"), ("信息技术", "scj swj"), ("网络科技", "scj swj wlj"),
              ("建设工程", "zjj cgj yjj swj"), ("建筑装饰工程", "zjj cgj xfzd"),
              ("食品", "scj wjw swj"), ("餐饮管理", "scj wjw xfzd cgj"), ("物流", "jtj yjj swj"),
              ("运输", "jtj yjj"), ("贸易", "scj swj yjj"), ("供应链管理", "swj scj jtj"),
              ("环保科技", "sthj swj"), ("医药", "scj wjw"), ("医疗器械", "scj wjw"),
              ("机械制造", "yjj sthj xfzd scj"), ("化工", "yjj sthj xfzd"),
              ("电子", "sthj yjj scj"),
              ("房地产开发", "zjj cgj swj"), ("物业管理", "zjj xfzd cgj scj"),
              ("文化传媒", "wlj swj scj"), ("旅行社", "wlj jtj"), ("酒店管理", "wjw xfzd wlj scj"),
              ("娱乐", "wlj xfzd wjw"), ("新能源", "yjj sthj"), ("混凝土", "sthj zjj jtj"))
SHOPS = (("餐馆", "scj wjw cgj xfzd"), ("小吃店", "scj cgj"), ("海鲜排档", "scj cgj wjw"),
         ("便利店", "scj swj yjj"), ("烟酒商行", "scj swj yjj"), ("五金店", "scj swj"),
         ("建材经营部", "scj cgj"), ("理发店", "wjw cgj scj"), ("美容美发店", "wjw scj"),
         ("汽车修理部", "jtj sthj scj"), ("水果店", "scj cgj"), ("茶叶店", "scj swj"),
         ("网吧", "wlj xfzd scj"), ("服装店", "scj swj"))
SUFFIXES = (("有限公司",) * 14 + ("有限责任公司",) * 3 + ("股份有限公司",) * 2
            + ("（集团）有限公司",))
FOOD = "食品 餐饮管理 酒店管理 餐馆 小吃店 海鲜排档 便利店 水果店 茶叶店"
VENUES = "酒店管理 娱乐 餐饮管理 网吧 餐馆 养老院 幼儿园"


class _Lic(NamedTuple):
    title: str
    cert: str  # 许可证书名称, "" when the decision issues none
    category: str
    content: str
    years: int  # validity; 0 = long-term (2099-12-31)
    fits: str = ""  # industries it applies to; "" = any


class _Pen(NamedTuple):
    violation: str
    facts: str  # {when}: a date some weeks before the decision
    basis: str
    fine: tuple[int, int]  # yuan
    heavy: str = ""  # the heavier category of the worst cases
    fits: str = ""


class _Provider(NamedTuple):
    key: str  # ASCII short name, used in file names
    name: str
    region: str
    org8: str
    fmt: str  # csv | csv-gb | xlsx | json
    slash: bool  # CSV dates as YYYY/MM/DD
    full: bool  # fills the optional columns (publish_until, severity, legal rep ID)
    pen_no: str
    lic_no: str
    licences: tuple[_Lic, ...]
    penalties: tuple[_Pen, ...]

    @property
    def code(self) -> str:
        return uscc.make("11", self.region, self.org8)


_FOOD_LIC = _Lic("食品经营许可决定书", "食品经营许可证", "普通",
                 "预包装食品销售（含冷藏冷冻食品）；热食类食品制售", 5, FOOD)
_CHANGE_LIC = _Lic("准予变更登记通知书", "营业执照", "登记", "变更登记（经营范围、住所）", 0)
_FOOD_PEN = _Pen("经营超过保质期的食品", "当事人于{when}在经营场所销售超过保质期的食品",
                 "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项", (5000, 100000),
                 "吊销许可证件", FOOD)
_PRICE_PEN = _Pen("不按规定明码标价", "当事人于{when}销售商品未按规定明码标价",
                  "《中华人民共和国价格法》第四十二条", (500, 5000))
PROVIDERS = (
    _Provider("scj", f"{CITY}市场监督管理局", CITY_CODE, "MB0F4823", "csv", False, True,
              "示市监处罚", "示市监许", (_FOOD_LIC, _CHANGE_LIC, _Lic(
                  "特种设备使用登记决定书", "特种设备使用登记证", "登记", "电梯使用登记", 0,
                  "物业管理 房地产开发 酒店管理 机械制造")),
              (_FOOD_PEN, _PRICE_PEN, _Pen(
                  "发布虚假广告", "当事人自{when}起在其网站及微信公众号发布含有虚假内容的广告",
                  "《中华人民共和国广告法》第五十五条第一款", (20000, 200000)))),
    _Provider("sthj", f"{CITY}生态环境局", CITY_CODE, "00361317", "xlsx", False, True,
              "示环罚", "示环审", (_Lic(
                  "排污许可决定书", "排污许可证", "普通", "许可排放大气污染物、水污染物", 5,
                  "化工 机械制造 电子 新能源 混凝土 汽车修理部"), _Lic(
                  "建设项目环境影响报告表审批意见", "", "核准",
                  "同意该建设项目按环境影响报告表所列性质、规模、地点和环保措施建设", 5,
                  "化工 机械制造 电子 新能源 混凝土 医药 食品 房地产开发 汽车修理部")),
              (_Pen("超过大气污染物排放标准排放大气污染物",
                    "经{when}监督性监测，当事人排放口颗粒物浓度超过排放标准",
                    "《中华人民共和国大气污染防治法》第九十九条第（二）项", (100000, 1000000),
                    "责令停产停业"),
               _Pen("建设项目未依法报批环境影响评价文件擅自开工建设",
                    "当事人于{when}未报批环境影响报告表即擅自开工建设",
                    "《中华人民共和国环境影响评价法》第三十一条第一款", (50000, 500000)),
               _Pen("未按规定贮存危险废物", "{when}检查发现，当事人将废机油等危险废物露天堆放",
                    "《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（六）项",
                    (100000, 1000000)))),
    _Provider("yjj", f"{CITY}应急管理局", CITY_CODE, "MB1E2096", "csv-gb", True, False,
              "示应急罚", "示应急许", (_Lic(
                  "危险化学品经营许可决定书", "危险化学品经营许可证", "普通",
                  "经营（不带储存设施）：汽油、甲醇、盐酸", 3, "化工 贸易 新能源"), _Lic(
                  "烟花爆竹经营（零售）许可决定书", "烟花爆竹经营（零售）许可证", "普通",
                  "烟花爆竹零售", 1, "便利店 烟酒商行")),
              (_Pen("未按照规定对从业人员进行安全生产教育和培训",
                    "{when}执法检查发现，当事人未对新入职从业人员进行安全生产教育和培训",
                    "《中华人民共和国安全生产法》第九十七条第（三）项", (10000, 100000)),
               _Pen("未建立事故隐患排查治理制度",
                    "{when}执法检查发现，当事人未建立事故隐患排查治理制度",
                    "《中华人民共和国安全生产法》第一百零一条第（五）项", (20000, 100000),
                    "责令停产停业"),
               _Pen("未取得危险化学品经营许可证经营危险化学品",
                    "当事人于{when}起未取得危险化学品经营许可证擅自经营危险化学品",
                    "《危险化学品安全管理条例》第七十七条第三款", (100000, 200000), "",
                    "化工 贸易 新能源"))),
    _Provider("jtj", f"{CITY}交通运输局", CITY_CODE, "00361843", "json", False, True,
              "示交执罚", "示交运许", (_Lic(
                  "道路运输经营许可决定书", "道路运输经营许可证", "普通", "道路普通货物运输", 4),),
              (_Pen("未取得道路运输经营许可擅自从事道路普通货物运输经营",
                    "当事人于{when}未取得道路运输经营许可擅自从事道路普通货物运输经营",
                    "《中华人民共和国道路运输条例》第六十三条", (5000, 50000)),
               _Pen("车辆超限运输", "{when}，当事人所属货车车货总质量超过规定限值在公路上行驶",
                    "《公路安全保护条例》第六十四条", (2000, 30000)),
               _Pen("未按规定维护和检测运输车辆",
                    "当事人所属营运车辆自{when}起未按规定进行维护和检测",
                    "《中华人民共和国道路运输条例》第七十条", (1000, 5000), "吊销许可证件"))),
    _Provider("zjj", f"{CITY}住房和城乡建设局", CITY_CODE, "00361509", "csv", True, False,
              "示建罚", "示建许", (_Lic(
                  "建筑工程施工许可决定书", "建筑工程施工许可证", "普通",
                  "准予建筑工程项目开工建设", 0, "建设工程 房地产开发 建筑装饰工程"), _Lic(
                  "建筑业企业资质核准决定书", "建筑业企业资质证书", "认可",
                  "建筑工程施工总承包二级", 5, "建设工程 建筑装饰工程 混凝土")),
              (_Pen("未取得施工许可证擅自施工", "当事人承建的项目于{when}未取得施工许可证擅自开工",
                    "《中华人民共和国建筑法》第六十四条；《建筑工程施工许可管理办法》第十二条",
                    (10000, 200000), "", "建设工程 房地产开发 建筑装饰工程"),
               _Pen("施工工地未采取有效防尘降尘措施",
                    "{when}检查发现，当事人施工工地裸露土方未覆盖、运输车辆未冲洗即驶出",
                    "《中华人民共和国大气污染防治法》第一百一十五条第一款第（一）项",
                    (10000, 100000), "责令停产停业", "建设工程 建筑装饰工程 房地产开发 混凝土"),
               _Pen("超越本单位资质等级承揽工程", "当事人于{when}超越本单位资质等级承揽建筑工程",
                    "《中华人民共和国建筑法》第六十五条第二款；《建设工程质量管理条例》第六十条",
                    (50000, 500000), "降低资质等级", "建设工程 建筑装饰工程 混凝土"))),
    _Provider("wjw", f"{CITY}卫生健康委员会", CITY_CODE, "MB1B7341", "csv", False, False,
              "示卫罚", "示卫许", (_Lic(
                  "公共场所卫生许可决定书", "公共场所卫生许可证", "普通",
                  "住宿场所；美容美发场所", 4,
                  "酒店管理 理发店 美容美发店 娱乐"), _Lic(
                  "医疗机构执业许可决定书", "医疗机构执业许可证", "普通",
                  "诊疗科目：内科；外科；口腔科", 5, "医药 养老院")),
              (_Pen("公共场所从业人员未取得有效健康合格证明上岗",
                    "{when}监督检查发现，当事人有从业人员未取得有效健康合格证明即上岗",
                    "《公共场所卫生管理条例实施细则》第三十八条", (500, 5000), "",
                    "酒店管理 理发店 美容美发店 娱乐 餐馆 餐饮管理 海鲜排档"),
               _Pen("未按照规定对公共场所进行卫生检测",
                    "当事人自{when}起未按规定对经营场所的空气、微小气候进行卫生检测",
                    "《公共场所卫生管理条例实施细则》第三十六条第（一）项", (2000, 20000),
                    "吊销许可证件", "酒店管理 理发店 美容美发店 娱乐"),
               _Pen("使用非卫生技术人员从事医疗卫生技术工作",
                    "当事人于{when}聘用未取得执业资格的人员从事医疗卫生技术工作",
                    "《医疗机构管理条例》第四十七条", (10000, 100000), "吊销许可证件",
                    "医药 医疗器械 养老院 食品"))),
    _Provider("swj", f"国家税务总局{CITY}税务局", CITY_CODE, "MB0H3957", "csv-gb", False, True,
              "示税稽罚", "", (),
              (_Pen("未按照规定期限办理纳税申报和报送纳税资料",
                    "当事人{when}所属期增值税未按照规定期限办理纳税申报",
                    "《中华人民共和国税收征收管理法》第六十二条", (200, 2000)),
               _Pen("应当开具而未开具发票", "当事人于{when}发生经营业务应当开具而未开具发票",
                    "《中华人民共和国发票管理办法》第三十三条第（一）项", (1000, 10000)),
               _Pen("少缴税款（偷税）", "当事人于{when}前后通过在账簿上少列收入等方式少缴增值税",
                    "《中华人民共和国税收征收管理法》第六十三条第一款", (50000, 2000000)))),
    _Provider("xfzd", f"{CITY}消防救援支队", CITY_CODE, "MB1F0628", "json", False, False,
              "示消行罚决字", "示消检字", (_Lic(
                  "公众聚集场所投入使用、营业前消防安全检查意见书",
                  "公众聚集场所投入使用、营业前消防安全检查合格证", "普通", "准予投入使用、营业",
                  0, VENUES),),
              (_Pen("消防设施、器材未保持完好有效",
                    "{when}消防监督检查发现，当事人场所室内消火栓无水、部分灭火器失效",
                    "《中华人民共和国消防法》第六十条第一款第（一）项", (5000, 50000)),
               _Pen("占用、堵塞、封闭疏散通道、安全出口",
                    "{when}检查发现，当事人经营场所疏散通道堆放杂物、安全出口上锁",
                    "《中华人民共和国消防法》第六十条第一款第（三）项", (5000, 50000)),
               _Pen("公众聚集场所未经消防安全检查擅自投入使用、营业",
                    "当事人经营场所自{when}起未经消防安全检查擅自投入使用、营业",
                    "《中华人民共和国消防法》第五十八条第一款第（四）项", (30000, 300000),
                    "责令停产停业", VENUES))),
    _Provider("cgj", f"{CITY}城市管理综合执法局", CITY_CODE, "00362247", "csv", False, False,
              "示城管罚", "", (),
              (_Pen("未经批准擅自设置大型户外广告",
                    "当事人于{when}未经批准在建筑物外墙设置大型户外广告",
                    "《城市市容和环境卫生管理条例》第三十六条", (500, 5000)),
               _Pen("随意倾倒建筑垃圾", "当事人于{when}在道路旁随意倾倒建筑垃圾",
                    "《城市建筑垃圾管理规定》第二十六条", (5000, 50000)),
               _Pen("在禁止区域露天烧烤食品", "当事人于{when}在城市人口集中地区道路旁露天烧烤食品",
                    "《中华人民共和国大气污染防治法》第一百一十八条第三款", (500, 20000), "",
                    "餐馆 小吃店 海鲜排档 餐饮管理 个人"))),
    _Provider("wlj", f"{CITY}文化广电和旅游局", CITY_CODE, "MB1A5582", "xlsx", False, True,
              "示文旅罚", "示文旅许", (_Lic(
                  "娱乐经营许可决定书", "娱乐经营许可证", "普通", "歌舞娱乐场所", 2,
                  "娱乐 酒店管理"), _Lic(
                  "旅行社业务经营许可决定书", "旅行社业务经营许可证", "普通",
                  "国内旅游业务、入境旅游业务", 0, "旅行社"), _Lic(
                  "网络文化经营许可决定书", "网络文化经营许可证", "普通",
                  "利用信息网络经营音乐娱乐产品、演出剧（节）目", 3, "网络科技 文化传媒 网吧")),
              (_Pen("旅行社未与旅游者签订书面包价旅游合同",
                    "当事人于{when}组织旅游团队出游，未与旅游者签订书面包价旅游合同",
                    "《中华人民共和国旅游法》第一百条第（一）项", (3000, 30000), "吊销许可证件",
                    "旅行社"),
               _Pen("互联网上网服务营业场所接纳未成年人", "当事人于{when}接纳未成年人进入营业场所",
                    "《互联网上网服务营业场所管理条例》第三十一条第（二）项", (1000, 15000),
                    "吊销许可证件", "网吧"),
               _Pen("擅自从事营业性演出经营活动", "当事人于{when}未经批准擅自举办营业性演出",
                    "《营业性演出管理条例》第四十三条", (50000, 100000), "",
                    "文化传媒 娱乐 酒店管理"))),
    _Provider("smscj", f"{CITY}思明区市场监督管理局", "350203", "MB0X7715", "csv", False,
              False, "示思市监处罚", "示思市监许", (_FOOD_LIC, _CHANGE_LIC),
              (_FOOD_PEN, _PRICE_PEN)),
)


@dataclass(frozen=True)
class DemoFile:
    path: Path
    record_type: str
    provider_uscc: str
    provider_name: str
    received_on: date
    format: str  # "csv" | "xlsx" | "json"
    encoding: str | None  # "utf-8-sig" or "gb18030" for csv, None otherwise


@dataclass
class _Subject:
    name: str
    category: str
    code: str  # "" for a person
    industry: str
    providers: list[str]
    rep: str = ""
    rep_id: str = ""
    person_id: str = ""
    former: str = ""  # name used in rows decided before `renamed`
    renamed: date = LONG_TERM


@dataclass
class _Row:
    subject: _Subject
    provider: _Provider
    record_type: str
    batch: tuple[date, date]  # (month, received_on)
    values: dict[str, Any]
    error: tuple[str, str] | None = None  # (kind, field)
    seq: int = 0  # position in the provider's document numbering


class _Factory:
    """Draws unique names, codes and resident IDs from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def unique(self, draw: Callable[[], str]) -> str:
        for _ in range(10_000):
            if (value := draw()) not in self.seen:
                self.seen.add(value)
                return value
        raise ValueError("演示数据主体数量过多,名称词表不足")

    def person_name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def code(self, prefix: str, region: str, lead: str) -> str:
        """A new code; `lead` "" draws a legacy all-digit organisation code."""
        def draw() -> str:
            chars = uscc.ALPHABET if lead else "0123456789"
            rest = "".join(self.rng.choice(chars) for _ in range(8 - len(lead)))
            return uscc.make(prefix, region, lead + rest)
        return self.unique(draw)

    def resident_id(self, first: int, last: int) -> str:
        def draw() -> str:
            born = date(self.rng.randint(first, last), 1, 1) + timedelta(self.rng.randint(0, 364))
            region = self.rng.choice([c for c, since in ID_REGIONS if since <= born.year])
            body = f"{region}{born:%Y%m%d}{self.rng.randint(1, 999):03d}"
            return body + check_digit(body)
        return self.unique(draw)

    def company(self, place: str, industry: str, zihao: str) -> str:
        r = self.rng
        return self.unique(lambda: "".join((r.choice(("示范", "示范", CITY, place)), zihao,
                                            industry, r.choice(SUFFIXES))))

    def subject(self, i: int, n: int, today: date) -> _Subject:
        r = self.rng
        district = r.choice(sorted(DISTRICTS))
        place = CITY + DISTRICTS[district]
        if i < max(1, round(n * 0.02)):
            return _Subject(self.unique(self.person_name), PERSON, "", "个人", ["jtj", "cgj"],
                            person_id=self.resident_id(1962, 2003))
        if i < max(2, round(n * 0.05)):
            kind = r.choice(("社会工作服务中心", "养老院", "幼儿园", "协会"))
            if kind == "协会":
                name = self.unique(lambda: place + r.choice(INDUSTRIES)[0] + "协会")
            else:
                name = self.unique(lambda: place + r.choice(ZIHAO) + kind)
            region = r.choice((CITY_CODE, district))
            code = self.code("51" if kind == "协会" else "52", region, "MJ")
            s = _Subject(name, ORG, code, kind, ["wjw", "xfzd", "swj"])
        elif i < round(n * 0.2):
            shop, deps = r.choice(SHOPS)
            rep = self.person_name()
            name = self.unique(lambda: place + r.choice((rep[0] + "记", r.choice(ZIHAO))) + shop)
            s = _Subject(name, BUSINESS, self.code("92", district, "MA"), shop, deps.split(), rep)
        else:
            industry, deps = r.choice(INDUSTRIES)
            zihao = r.choice(ZIHAO)
            code = self.code("91", r.choice((CITY_CODE, CITY_CODE, district)),
                             "MA" if r.random() < 0.7 else "")
            s = _Subject(self.company(place, industry, zihao), ORG, code, industry, deps.split())
            if r.random() < 0.03:  # renamed during the period: older rows carry the old name
                s.former, s.name = s.name, self.company(place, r.choice(INDUSTRIES)[0], zihao)
                s.renamed = today - timedelta(r.randint(180, 900))
        s.rep = s.rep or self.person_name()
        s.rep_id = self.resident_id(1958, 1998)
        if s.code[2:8] == "350203":  # the district bureau handles its own businesses
            s.providers = [("smscj" if p == "scj" else p) for p in s.providers]
        return s


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(d.year + y, m + 1, day)
        except ValueError:
            continue
    raise AssertionError(d)


def _workday(d: date, step: int) -> date:
    """`d` or the nearest working day in direction `step` (official calendar where covered)."""
    while not (_CALENDAR.is_workday(d) if _CALENDAR.covers(d.year) else d.weekday() < 5):
        d += timedelta(step)
    return d


def _batches(rng: random.Random, today: date) -> list[tuple[date, date]]:
    """(month, received_on) for the 36 months before `today`; each file goes in shortly after."""
    out = []
    for k in range(36, 0, -1):
        month = _add_months(today.replace(day=1), -k)
        received = _workday(_add_months(month, 1) + timedelta(rng.randint(0, 4)), 1)
        if received <= today:
            out.append((month, received))
    return out


def _wan(yuan: Decimal) -> str:
    """Yuan to 万元 as the standard wants it: 2000 -> "0.2"."""
    return format((yuan / 10000).normalize(), "f")


def _counterpart(s: _Subject, p: _Provider, decided: date) -> dict[str, Any]:
    name = s.former if decided < s.renamed and s.former else s.name
    if s.category == PERSON:
        return {"subject_name": name, "subject_category": PERSON, "subject_id_type": "身份证",
                "subject_id_number": s.person_id}
    cols = {"subject_name": name, "subject_category": s.category, "subject_uscc": s.code,
            "legal_representative": s.rep}
    if p.full:
        cols |= {"legal_representative_id_type": "身份证",
                 "legal_representative_id_number": s.rep_id}
    if p.key == "swj":  # since 三证合一 the tax registration number is the USCC
        cols["tax_registration_number"] = s.code
    return cols


def _licence(s: _Subject, t: _Lic, decided: date, rng: random.Random) -> dict[str, Any]:
    start = decided + timedelta(rng.choice((0, 0, 0, 0, 1, 3)))
    end = LONG_TERM if not t.years else _add_months(start, 12 * t.years) - timedelta(1)
    return {"document_title": t.title, "licence_category": t.category,
            "certificate_name": t.cert or None, "licence_content": t.content,
            "decision_date": decided, "valid_from": start, "valid_to": end, "status": "有效",
            "licence_number": s.code if t.cert == "营业执照" else None}


def _penalty(s: _Subject, p: _Provider, t: _Pen, decided: date,
             rng: random.Random) -> dict[str, Any]:
    person = s.category == PERSON
    r = rng.random()
    cats = (["警告"] if r < 0.18 else ["罚款"] if r < 0.55 else ["警告", "罚款"] if r < 0.8
            else ["罚款", "没收违法所得"] if r < 0.93 or not t.heavy else ["罚款", t.heavy])
    lo, hi = (min(t.fine[0], 200), min(t.fine[1], 2000)) if person else t.fine
    step = 10 if hi <= 2000 else 100
    fine = Decimal(round((lo + (hi - lo) * rng.random() ** 2) / step) * step if "罚款" in cats
                   else 0)
    conf = Decimal(rng.randint(5_000, 3_000_000)) / 100
    # 简易程序 thresholds of 行政处罚法 Art. 51 mark the minor cases
    severity = ("严重" if t.heavy in cats or fine >= 200_000 else
                "轻微" if "没收违法所得" not in cats and fine <= (200 if person else 3000)
                else "一般")
    revoked = None
    if t.heavy == "吊销许可证件" and t.heavy in cats:
        cert = next((lic.cert for lic in p.licences
                     if lic.cert and (not lic.fits or s.industry in lic.fits.split())), "许可证")
        revoked = f"{cert}（编号：{p.region}{decided.year - rng.randint(1, 4)}" \
                  f"{rng.randint(1, 99999):05d}）"
    content = {"警告": "给予警告", "罚款": f"罚款人民币{fine}元",
               "没收违法所得": f"没收违法所得人民币{conf}元",
               "责令停产停业": "责令停产停业整顿30日",
               "吊销许可证件": f"吊销{revoked}", "降低资质等级": "降低建筑业企业资质等级一级"}
    until = _add_months(decided, {"轻微": 3, "一般": 12, "严重": 36}[severity])
    when = decided - timedelta(rng.randint(10, 90))
    return {"violation_type": t.violation, "penalty_basis": t.basis,
            "violation_facts": t.facts.format(when=f"{when.year}年{when.month}月{when.day}日"),
            "penalty_categories": ";".join(cats),
            "penalty_content": "责令改正，" + "，".join(content[c] for c in cats),
            "fine_amount": _wan(fine) if "罚款" in cats else None,
            "confiscation_amount": _wan(conf) if "没收违法所得" in cats else None,
            "licence_revoked": revoked, "decision_date": decided, "penalty_valid_until": until,
            "publish_until": until if p.full else None, "severity": severity if p.full else None,
            "procedure": "简易程序" if severity == "轻微" else "一般程序"}


def _inject(row: _Row, rng: random.Random) -> None:
    """Give the row one realistic error, of a kind that fits it."""
    v, s, pen = row.values, row.subject, row.record_type == "penalty"
    kinds = [("missing_required", "penalty_basis" if pen else "licence_content"),
             ("unknown_code", "penalty_categories" if pen else "licence_category")]
    if s.category == PERSON:
        kinds += [("person_id_checksum", "subject_id_number"), ("person_with_uscc", "subject_uscc")]
    else:
        kinds += [("uscc_checksum", "subject_uscc")]
    if pen:
        kinds += [("publish_before_decision", "publish_until")]
        if v["fine_amount"]:
            kinds += [("negative_fine", "fine_amount"), ("fine_missing", "fine_amount")]
    else:
        kinds += [("valid_to_before_from", "valid_to")]
    kind, field = row.error = rng.choice(kinds)
    old = v.get(field) or ""
    if kind in ("missing_required", "fine_missing"):
        v[field] = None
    elif kind == "unknown_code" and pen:
        cats = old.split(";")
        v[field] = ";".join("罚金" if c == "罚款" else c for c in cats) if "罚款" in cats \
            else old.replace("警告", "责令改正")
    elif kind == "unknown_code":
        v[field] = rng.choice(("行政审批", "备案", "审批"))
    elif kind in ("uscc_checksum", "person_id_checksum"):
        pool = uscc.ALPHABET if kind == "uscc_checksum" else "0123456789X"
        v[field] = old[:-1] + rng.choice([c for c in pool if c != old[-1]])
    elif kind == "person_with_uscc":
        v[field] = uscc.make("92", CITY_CODE, "MA" + "".join(rng.choices(uscc.ALPHABET, k=6)))
    elif kind == "publish_before_decision":
        v[field] = v["decision_date"] - timedelta(rng.randint(1, 30))
    elif kind == "negative_fine":
        v[field] = "-" + old
    else:
        v[field] = v["valid_from"] - timedelta(rng.randint(1, 365))


def _make_rows(rng: random.Random, subjects: list[_Subject], today: date) -> list[_Row]:
    providers = {p.key: p for p in PROVIDERS}
    batches = {p.key: _batches(rng, today) for p in PROVIDERS}
    weights = list(accumulate(0.5 if s.category == PERSON else rng.choice((1, 1, 1, 2, 3, 5))
                              for s in subjects))
    rows: list[_Row] = []
    for record_type, per_subject in (("licence", 2), ("penalty", 1)):
        made = 0
        while made < per_subject * len(subjects):  # persons always have options: it ends
            s = rng.choices(subjects, cum_weights=weights)[0]
            options: list[tuple[_Provider, _Lic | _Pen]] = [
                (providers[k], t) for k in s.providers
                for t in (providers[k].licences if record_type == "licence"
                          else providers[k].penalties)
                if not t.fits or s.industry in t.fits.split()]
            if not options:
                continue
            p, t = rng.choice(options)
            batch = rng.choice(batches[p.key])
            late = rng.random() < 0.08
            decided = _workday(batch[1] - timedelta(
                rng.randint(15, 40) if late else rng.randint(0, 5)), -1)
            if isinstance(t, _Lic):
                values = _licence(s, t, decided, rng)
            else:
                values = _penalty(s, p, t, decided, rng)
            values |= _counterpart(s, p, decided) | {
                "authority_name": p.name, "authority_uscc": p.code,
                "provider_name": p.name, "provider_uscc": p.code}
            rows.append(_Row(s, p, record_type, batch, values))
            made += 1
    return rows


def _number(rows: list[_Row], rng: random.Random) -> None:
    """Document numbers per provider, record type and year, in decision order with gaps."""
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        groups.setdefault((row.provider.key, row.record_type), []).append(row)
    for (_, record_type), group in groups.items():
        seq, year = 0, 0
        for row in sorted(group, key=lambda r: r.values["decision_date"]):
            p, decided = row.provider, row.values["decision_date"]
            seq, year = (seq if decided.year == year else 0) + rng.randint(1, 3), decided.year
            prefix = p.pen_no if record_type == "penalty" else p.lic_no
            row.values["document_number"] = f"{prefix}〔{year}〕{seq}号"
            row.seq = seq
            if record_type == "licence" and row.values["certificate_name"] \
                    and not row.values["licence_number"]:
                row.values["licence_number"] = f"{p.region}{year}{seq:05d}"


def _cell(value: Any, slash: bool) -> Any:
    if isinstance(value, date):
        return value.strftime("%Y/%m/%d") if slash else value.isoformat()
    return value


class _StampedZip(zipfile.ZipFile):
    """Every entry gets one fixed timestamp, so the same workbook gives the same bytes."""

    stamp = (1980, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, *args: Any, **kw: Any) -> None:
        info = zinfo_or_arcname
        if isinstance(info, str):
            info = zipfile.ZipInfo(info, self.stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, *args, **kw)


def _xlsx(rt: RecordType, rows: list[list[Any]], stamp: datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = rt.name
    ws.append([f.header for f in rt.fields])
    for values in rows:
        ws.append(values)
    wb.properties.created = wb.properties.modified = stamp
    out = io.BytesIO()
    with _StampedZip(out, "w") as archive:
        archive.stamp = stamp.timetuple()[:6]
        ExcelWriter(wb, archive).write_data()
    return out.getvalue()


def _write(out_dir: Path, p: _Provider, rt: RecordType, month: date, received: date,
           rows: list[_Row]) -> tuple[DemoFile, dict[str, Any]]:
    # Demo files are input, written as departments' systems write them (GB18030, slash
    # dates, the injected errors): raw, not through xinyong.documents.tabular, whose
    # formula neutralisation is for what the platform itself hands out.
    fmt = p.fmt.split("-")[0]
    encoding = ("gb18030" if p.fmt == "csv-gb" else "utf-8-sig") if fmt == "csv" else None
    path = out_dir / f"{rt.id}_{month:%Y%m}_{p.key}.{fmt}"
    table = [[_cell(r.values.get(f.name), p.slash) for f in rt.fields] for r in rows]
    if fmt == "json":
        records = [dict(zip(rt.field_names, values, strict=True)) for values in table]
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif fmt == "xlsx":
        for values in table:
            for i, f in enumerate(rt.fields):
                if f.type == "decimal" and values[i] is not None:
                    values[i] = float(values[i])
        path.write_bytes(_xlsx(rt, table, datetime.combine(received, time(9))))
    else:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow([f.header for f in rt.fields])
        writer.writerows([["" if v is None else v for v in values] for values in table])
        path.write_bytes(buf.getvalue().encode(encoding or "utf-8"))
    demo = DemoFile(path, rt.id, p.code, p.name, received, fmt, encoding)
    errors = [{"row": i, "kind": r.error[0], "field": r.error[1]}
              for i, r in enumerate(rows, 1) if r.error]
    entry = {"path": path.name, "record_type": rt.id, "provider_uscc": p.code,
             "provider_name": p.name, "received_on": received.isoformat(), "format": fmt,
             "encoding": encoding, "rows": len(rows), "errors": errors}
    return demo, entry


def generate_demo(out_dir: Path, *, subjects: int = 2000, seed: int = 7,
                  today: date) -> list[DemoFile]:
    """Write the demo batch files and manifest.json into out_dir; return them in ingest order."""
    if not 1 <= subjects <= 20_000:
        raise ValueError("subjects must be between 1 and 20000")
    rng = random.Random(seed)
    factory = _Factory(rng)
    people = [factory.subject(i, subjects, today) for i in range(subjects)]
    rows = _make_rows(rng, people, today)
    _number(rows, rng)
    for row in rows:
        if rng.random() < ERROR_RATE * (3 if row.subject.category == PERSON else 1):
            _inject(row, rng)
    files: dict[tuple[str, str, date], list[_Row]] = {}
    for row in rows:
        files.setdefault((row.provider.key, row.record_type, row.batch[0]), []).append(row)
    out_dir.mkdir(parents=True, exist_ok=True)
    catalog = default_catalog()
    written = []
    for (_, record_type, month), group in files.items():
        group.sort(key=lambda r: (r.values["decision_date"], r.seq))
        first = group[0]
        written.append(_write(out_dir, first.provider, catalog.get(record_type), month,
                              first.batch[1], group))
    written.sort(key=lambda w: (w[0].received_on, w[0].path.name))
    manifest = {"seed": seed, "subjects": subjects, "today": today.isoformat(),
                "files": [entry for _, entry in written]}
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [demo for demo, _ in written]
