// The families this build has: one line each. The first is the default.
#include "models/core/registry.h"

namespace gan {

FamilyInfo dcgan_family_info();
FamilyInfo gan_family_info();
FamilyInfo lsgan_family_info();
FamilyInfo wgan_family_info();
FamilyInfo wgan_gp_family_info();
FamilyInfo sngan_family_info();
FamilyInfo sagan_family_info();
FamilyInfo cgan_family_info();
FamilyInfo cgan_conv_family_info();
FamilyInfo acgan_family_info();
FamilyInfo sgan_family_info();
FamilyInfo cyclegan_family_info();
FamilyInfo discogan_family_info();
FamilyInfo stargan_family_info();
FamilyInfo progan_family_info();
FamilyInfo biggan_family_info();
FamilyInfo stylegan_family_info();
FamilyInfo toy_family_info();

Registry Registry::builtin() {
  Registry r;
  r.add(dcgan_family_info());
  r.add(gan_family_info());
  r.add(lsgan_family_info());
  r.add(wgan_family_info());
  r.add(wgan_gp_family_info());
  r.add(sngan_family_info());
  r.add(sagan_family_info());
  r.add(cgan_family_info());
  r.add(cgan_conv_family_info());
  r.add(acgan_family_info());
  r.add(sgan_family_info());
  r.add(progan_family_info());
  r.add(biggan_family_info());
  r.add(stylegan_family_info());
  r.add(cyclegan_family_info());
  r.add(discogan_family_info());
  r.add(stargan_family_info());
  r.add(toy_family_info());
  return r;
}

}  // namespace gan
